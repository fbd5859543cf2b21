using System.Text.Json;
using ClipMem.Common;
using ClipMem.Experiments;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Benchmarks;

/// <summary>
/// `clipmem bench`: the workbench against the PyTorch peer and against the machine's matmul rate, on the
/// issue's reference model and on the quick preset's model. Every run measures each figure once, in
/// the same order, the peer last, so the sides interleave; the report keeps the medians and the runs.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter log)
{
    public const string ReportName = "bench.json";

    public BenchReport Run(string outDirectory)
    {
        options.Validate();
        NativeAllocator.KeepFreedMemory();
        Directory.CreateDirectory(outDirectory);
        set_num_threads(options.Threads);

        log.WriteLine($"bench: exporting {Math.Max(options.PipelineImages, options.ScoringSamples)} PNG images + {BenchDataset.TableName} ...");
        var data = BenchDataset.Export(Path.Combine(outDirectory, "data"), Math.Max(options.PipelineImages, options.ScoringSamples),
            32, options.VocabularySize, options.Seed);
        int vocabulary = data.Tokenizer.VocabularySize;

        log.WriteLine($"bench: fp32 matmul rate at {options.Threads} threads ...");
        var matmul = MatmulRate.Measure(options.EffectiveMatmulSizes);
        // bf16 at every size where the CPU computes it (the bf16 models' MFU divides by its best); elsewhere at the
        // smallest size only, enough to show it would not pay and cheap even where it is slow.
        var bf16 = MatmulRate.Measure(MachineInfo.HasBf16 ? options.EffectiveMatmulSizes : [options.EffectiveMatmulSizes.Min()], dtype: ScalarType.BFloat16);
        var machine = Machine(matmul, bf16, MachineInfo.HasBf16);
        log.WriteLine($"bench: {machine.Precision}");

        var peer = new PyTorchPeer(options.PythonPath, options.PeerScript ?? PyTorchPeer.FindScript());
        string? peerAbsent = options.RunPeer ? peer.WhyUnavailable() : "PyTorch peer not requested.";
        if (peerAbsent is not null) log.WriteLine($"bench: {peerAbsent}");

        using var reference = new ModelUnderTest("reference", ClipConfig.BenchReference(vocabulary), data, options);
        using var quick = new ModelUnderTest("quick", ClipConfig.Quick(vocabulary), data, options);
        // bf16 only where the CPU computes it: elsewhere libtorch emulates it far slower, and training refuses it.
        using var referenceBf16 = MachineInfo.HasBf16 ? new ModelUnderTest(reference.Name, reference.Config, data, options, MatmulPrecision.Bf16) : null;
        using var quickBf16 = MachineInfo.HasBf16 ? new ModelUnderTest(quick.Name, quick.Config, data, options, MatmulPrecision.Bf16) : null;
        var models = new[] { reference, quick, referenceBf16, quickBf16 }.OfType<ModelUnderTest>().ToList();
        var twoModels = new List<double>();
        var jobPlacement = new JobPlacementBench(Path.Combine(outDirectory, "job-placement"), options.JobPlacementPreset, options.JobPlacementEpochs, options.Threads, log);
        var jobRuns = new List<JobPlacementRun>();
        var peerRuns = new List<PeerRun>();
        for (int run = 1; run <= options.Runs; run++)
        {
            foreach (var model in models)
            {
                model.MeasureOnce();
                var t = model.ScoringTimings[^1];
                log.WriteLine($"bench: run {run}/{options.Runs} {model.Name} {model.Precision.ToString().ToLowerInvariant()}: bare {model.BareRuns[^1]:F0}, pipeline {model.PipelineRuns[^1]:F0} samples/s; scoring {model.ScoringRuns[^1]:F0} views/s per model " +
                              $"(render {t.RenderSeconds:F2} s, stack {t.StackSeconds:F2} s, image towers {t.ImageForwardSeconds:F2} s, text towers {t.TextSeconds:F2} s)");
            }
            if (options.ThreadPlacement)
            {
                twoModels.Add(ThreadPlacementBench.TwoModelsOneThreadEach(quick.Training, quick.Second, options.BareSteps, options.WarmupSteps, options.Threads));
                log.WriteLine($"bench: run {run}/{options.Runs} quick, two models x 1 thread: {twoModels[^1]:F0} samples/s combined");
                jobRuns.Add(jobPlacement.MeasureOnce());
                log.WriteLine($"bench: run {run}/{options.Runs} the job's training ({options.JobPlacementPreset}, {options.JobPlacementEpochs} epochs): " +
                              $"f and g at once x 1 thread {jobRuns[^1].ConcurrentSeconds:F1} s, one after the other x {options.Threads} threads {jobRuns[^1].SequentialSeconds:F1} s");
            }
            if (peerAbsent is null)
            {
                try
                {
                    peerRuns.Add(peer.Measure(reference.Config, options, data.TablePath));
                    log.WriteLine($"bench: run {run}/{options.Runs} PyTorch peer: bare {peerRuns[^1].BareStepSamplesPerSecond:F0}, pipeline {peerRuns[^1].FullPipelineSamplesPerSecond:F0} samples/s");
                }
                catch (Exception e) when (e is InvalidOperationException or JsonException or KeyNotFoundException)
                {
                    // The workbench's own figures are still worth writing: report the peer as failed, not the bench.
                    peerAbsent = $"PyTorch peer failed in run {run}: {e.Message}";
                    peerRuns.Clear();
                    log.WriteLine($"bench: {peerAbsent}");
                }
            }
        }

        var referenceFigures = reference.Figures(machine.BestMatmulGflops);
        var quickFigures = quick.Figures(machine.BestMatmulGflops);
        var bf16Figures = Bf16Summary(models.Skip(2).ToList(), [referenceFigures, quickFigures], machine.Bf16BestMatmulGflops);
        var placement = Placement(quickFigures, twoModels);
        var jobFigures = JobPlacementSummary(options, jobRuns);
        var peerFigures = PeerSummary(peer, peerAbsent, peerRuns, referenceFigures, options);
        var report = new BenchReport(
            RunDirectory.Versions(),
            new ThreadSettings(get_num_threads(), Environment.ProcessorCount, Environment.GetEnvironmentVariable("OMP_NUM_THREADS"),
                $"one model on {options.Threads} threads for every figure except thread_placement's two-model figure (1 thread each)"),
            new BenchSettings(options.Runs, options.BatchSize, options.WarmupSteps, options.BareSteps, options.PipelineSteps, options.PipelineImages,
                options.ScoringSamples, options.ScoringViews, vocabulary, options.Seed),
            machine, referenceFigures, quickFigures, bf16Figures, placement, jobFigures, peerFigures,
            Targets(referenceFigures, peerFigures, bf16Figures),
            // VmHWM was reset between phases, so the process's peak is the largest phase peak.
            new[] { referenceFigures.PeakRssBytes, quickFigures.PeakRssBytes, PeakMemory.PeakBytes() }.Max(),
            NativeAllocator.KeepFreedMemory(),
            DateTime.UtcNow.ToString("O"));
        AtomicFile.WriteAllText(Path.Combine(outDirectory, ReportName), JsonSerializer.Serialize(report, Json.Options));
        return report;
    }

    /// <summary>What `--precision auto` picks on this machine's CPU, phase by phase.</summary>
    private static (MatmulPrecision Training, MatmulPrecision Scoring) Auto => PrecisionChoice.For("auto", "cpu", MachineInfo.HasBf16);

    private static string Lower(MatmulPrecision p) => p.ToString().ToLowerInvariant();

    private static MachineLimit Machine(IReadOnlyDictionary<int, double> fp32, IReadOnlyDictionary<int, double> bf16, bool bf16Hardware)
    {
        int size = bf16.Keys.Min();
        double ratio = bf16[size] / fp32[size];
        string precision = bf16Hardware
            ? $"this CPU has bf16 arithmetic, bf16 matmul at {size}: {bf16[size]:F1} GFLOP/s ({ratio:F2}x fp32); every model measured in fp32 and in bf16 " +
              $"(--precision auto trains in {Lower(Auto.Training)} and scores in {Lower(Auto.Scoring)} here)"
            : $"training in fp32: this CPU has no bf16 arithmetic (no AVX512-BF16/AMX), bf16 matmul at {size}: {bf16[size]:F1} GFLOP/s ({ratio:F2}x fp32), so bf16 would not be faster";
        return new MachineLimit(fp32.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), fp32.Values.Max(),
            bf16.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), bf16.Values.Max(), bf16Hardware, precision);
    }

    private static Bf16Figures Bf16Summary(IReadOnlyList<ModelUnderTest> bf16, IReadOnlyList<ModelFigures> fp32, double bf16MatmulGflops)
    {
        if (bf16.Count == 0)
            return new Bf16Figures("skipped", "this CPU has no bf16 arithmetic (no AVX512-BF16/AMX): training and scoring stay fp32", []);
        var speedups = bf16.Zip(fp32, (model, f) =>
        {
            // A bf16 model's utilisation is against the bf16 matmul rate, the ceiling of its products.
            var b = model.Figures(bf16MatmulGflops);
            double training = Auto.Training == MatmulPrecision.Bf16 ? b.BareStepSamplesPerSecond : f.BareStepSamplesPerSecond;
            double scoring = Auto.Scoring == MatmulPrecision.Bf16 ? b.ScoringViewsPerSecondPerModel : f.ScoringViewsPerSecondPerModel;
            return new Bf16Speedup(model.Name, b, b.BareStepSamplesPerSecond / f.BareStepSamplesPerSecond,
                b.FullPipelineSamplesPerSecond / f.FullPipelineSamplesPerSecond, b.ScoringViewsPerSecondPerModel / f.ScoringViewsPerSecondPerModel,
                scoring / training);
        }).ToList();
        return new Bf16Figures("measured", null, speedups);
    }

    private static ThreadPlacementFigures Placement(ModelFigures quick, List<double> twoModels)
    {
        if (twoModels.Count == 0)
            return new ThreadPlacementFigures(quick.Name, quick.BareStepSamplesPerSecond, double.NaN, [], double.NaN, "not measured");
        double two = BenchStatistics.Median(twoModels);
        double speedup = two / quick.BareStepSamplesPerSecond;
        return new ThreadPlacementFigures(quick.Name, quick.BareStepSamplesPerSecond, two, twoModels, speedup,
            speedup > 1 ? "two models, one thread each" : "one model, all threads");
    }

    private static JobPlacementFigures JobPlacementSummary(BenchOptions options, List<JobPlacementRun> runs)
    {
        if (runs.Count == 0)
            return new JobPlacementFigures(options.JobPlacementPreset, options.JobPlacementEpochs, double.NaN, [], double.NaN, [], double.NaN, "not measured");
        var concurrent = runs.Select(r => r.ConcurrentSeconds).ToList();
        var sequential = runs.Select(r => r.SequentialSeconds).ToList();
        double speedup = BenchStatistics.Median(sequential) / BenchStatistics.Median(concurrent);
        return new JobPlacementFigures(options.JobPlacementPreset, options.JobPlacementEpochs, BenchStatistics.Median(concurrent), concurrent,
            BenchStatistics.Median(sequential), sequential, speedup,
            speedup > 1 ? "f and g at once, one thread each (the main job's default)" : $"one after the other, {options.Threads} threads each (reproduce --sequential)");
    }

    private static PeerFigures PeerSummary(PyTorchPeer peer, string? absent, List<PeerRun> runs, ModelFigures reference, BenchOptions options)
    {
        if (absent is not null || runs.Count == 0)
            return new PeerFigures(absent?.StartsWith("PyTorch peer failed", StringComparison.Ordinal) == true ? "failed" : "skipped", absent, peer.ScriptPath,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        var bare = runs.Select(r => r.BareStepSamplesPerSecond).ToList();
        var pipeline = runs.Select(r => r.FullPipelineSamplesPerSecond).ToList();
        double bareMedian = BenchStatistics.Median(bare), pipelineMedian = BenchStatistics.Median(pipeline);
        var first = runs[0];
        var byThreads = MediansByKey(runs.Select(r => r.BareStepByThreads).ToList());
        var best = byThreads.MaxBy(kv => kv.Value);
        var pipelineBySetting = MediansByKey(runs.Select(r => r.FullPipelineByThreadsAndWorkers).ToList());
        var bestPipeline = pipelineBySetting.MaxBy(kv => kv.Value);
        return new PeerFigures("measured", null, peer.ScriptPath, first.TorchVersion, first.Threads, first.DataLoaderWorkers, first.Parameters,
            bareMedian, bare, pipelineMedian, pipeline,
            reference.BareStepSamplesPerSecond / bareMedian, reference.FullPipelineSamplesPerSecond / pipelineMedian,
            byThreads, best.Key, reference.BareStepSamplesPerSecond / best.Value,
            pipelineBySetting, bestPipeline.Key, reference.FullPipelineSamplesPerSecond / bestPipeline.Value,
            options.PeerBestOnly is { } earlier
                ? $"best only, from an earlier bench: {earlier}"
                : $"every setting: bare step at {string.Join(", ", PyTorchPeer.PeerThreadCounts(options.Threads))} torch threads, pipeline {string.Join(" ", PyTorchPeer.PipelineSettings(options.Threads))} (threads:workers)");
    }

    /// <summary>Per setting, the median over the runs that measured it.</summary>
    private static Dictionary<string, double> MediansByKey(IReadOnlyList<IReadOnlyDictionary<string, double>> runs) =>
        runs.SelectMany(r => r.Keys).Distinct().ToDictionary(k => k,
            k => BenchStatistics.Median(runs.Where(r => r.ContainsKey(k)).Select(r => r[k]).ToList()));

    private static List<TargetCheck> Targets(ModelFigures reference, PeerFigures peer, Bf16Figures bf16)
    {
        var targets = new List<TargetCheck>
        {
            // Against the peer's fastest setting (torch threads, and DataLoader workers for the pipeline), not just the workbench's.
            Check("bare step ratio workbench / PyTorch at its best", 1.0, peer.BareStepRatioAgainstPeerBestThreads),
            Check("full pipeline ratio workbench / PyTorch at its best", 1.2, peer.FullPipelineRatioAgainstPeerBest),
            Check("model FLOP utilisation of the training step", 0.4, reference.ModelFlopUtilisation),
            Check("scoring views per model / training samples per second", 3.0, reference.ScoringViewOverTrainingSample),
        };
        // Where bf16 changes both rates, the scoring target holds for the precisions a user of --precision auto gets too.
        if (bf16.Models.FirstOrDefault(m => m.Model == reference.Name) is { } auto)
            targets.Add(Check("scoring / training as --precision auto runs", 3.0, auto.AutoScoringOverTraining));
        return targets;
    }

    private static TargetCheck Check(string name, double target, double? measured) =>
        new(name, target, measured, measured is { } m ? m >= target : null);
}
