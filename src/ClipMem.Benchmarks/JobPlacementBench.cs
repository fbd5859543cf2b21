using System.Diagnostics;
using System.Globalization;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.LeaveSetOut;

namespace ClipMem.Benchmarks;

/// <summary>One run of the real job's training both ways: wall seconds for f and g.</summary>
public sealed record JobPlacementRun(double ConcurrentSeconds, double SequentialSeconds);

/// <summary>
/// Thread placement as the main job meets it: f and g trained by `clipmem train` processes, both at once
/// with one torch thread each (the default), against one after the other with all threads (`reproduce
/// --sequential`). Each way trains a freshly prepared run directory, so both do the same steps from scratch;
/// the wall time includes what the job pays besides the steps (process start, data, checkpoints).
/// </summary>
public sealed class JobPlacementBench(string folder, string preset, int epochs, int threads, TextWriter log)
{
    private int _runs;

    public JobPlacementRun MeasureOnce()
    {
        _runs++;
        double concurrent = Train(Prepare($"run{_runs}-concurrent"), concurrently: true);
        double sequential = Train(Prepare($"run{_runs}-sequential"), concurrently: false);
        return new JobPlacementRun(concurrent, sequential);
    }

    private string Prepare(string name)
    {
        string root = Path.Combine(folder, name);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        new JobRunner(log).Run([new JobSpec($"preparing {name}",
            ["prepare", "--preset", preset, "--epochs", Text(epochs), "--out", Path.GetFullPath(root)], Path.Combine(folder, $"{name}-prepare.log"))], concurrently: false);
        return root;
    }

    private double Train(string root, bool concurrently)
    {
        var models = LeaveSetOutRun.ModelNames;
        // The main job's rule (LeaveSetOutRun.TrainPending): at once, the threads are shared out among the models.
        int each = concurrently ? Math.Max(1, threads / models.Count) : threads;
        var jobs = models.Select(model => new JobSpec($"training {model}",
            ["train", Path.GetFullPath(root), "--model", model, "--threads", Text(each)], Path.Combine(root, $"{model}-train.log"))).ToList();
        var clock = Stopwatch.StartNew();
        new JobRunner(log).Run(jobs, concurrently);
        return clock.Elapsed.TotalSeconds;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
