"""The TensorFlow side: activation and initializer callables, the shared weight stack, one kernel module per
experiment (named like it), the job runner and the process set-up. Nothing outside this package imports TensorFlow.
"""
