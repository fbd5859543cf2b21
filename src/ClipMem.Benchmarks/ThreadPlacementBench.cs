namespace ClipMem.Benchmarks;

/// <summary>
/// f and g train at the same time in the main job. At small widths one torch thread per model, both
/// models stepping concurrently, can beat one model on all threads (a PyTorch prototype here saw about
/// 3x): this measures the combined samples per second of two models stepping on one thread each.
/// </summary>
public static class ThreadPlacementBench
{
    public static double TwoModelsOneThreadEach(TrainingStepBench first, TrainingStepBench second, int steps, int warmupSteps, int restoreThreads)
    {
        TorchSharp.torch.set_num_threads(1);
        try
        {
            var runs = new[] { first, second }
                .Select(bench => Task.Factory.StartNew(() => bench.BareStep(steps, warmupSteps), TaskCreationOptions.LongRunning))
                .ToArray();
            Task.WaitAll(runs);
            // Each model times its own steps after its warm-up; the two are symmetric and run side by side,
            // so the sum of their rates is the combined throughput.
            return runs.Sum(r => r.Result);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(restoreThreads);
        }
    }
}
