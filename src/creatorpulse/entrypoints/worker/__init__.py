"""Background work as Taskiq tasks: brokers, tasks, the scheduler and the processes running them."""
