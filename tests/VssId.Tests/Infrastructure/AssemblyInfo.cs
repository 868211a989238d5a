// Test classes run in parallel (each has its own database); two cores, so two at a time.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
