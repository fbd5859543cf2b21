namespace ClipMem.Benchmarks;

/// <summary>The readable form of a bench report: one table per area and the issue's targets.</summary>
public static class BenchTable
{
    public static void Write(BenchReport r, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"ClipMem bench: TorchSharp {r.Versions.GetValueOrDefault("torchsharp")}, libtorch {r.Versions.GetValueOrDefault("libtorch")}, " +
                    $"{r.Threads.TorchThreads} torch threads, {r.Threads.ProcessorCount} cores; batch {r.Settings.BatchSize}; medians of {r.Settings.Runs} runs");
        o.WriteLine($"cpu: {r.Versions.GetValueOrDefault("cpu", "not recorded")}");
        o.WriteLine($"machine limit: fp32 matmul {string.Join(", ", r.Machine.MatmulGflopsBySize.Select(kv => $"{kv.Key}: {kv.Value:F1}"))} GFLOP/s (best {r.Machine.BestMatmulGflops:F1})");
        if (r.Machine.Bf16Hardware)
            o.WriteLine($"               bf16 matmul {string.Join(", ", r.Machine.Bf16MatmulGflopsBySize.Select(kv => $"{kv.Key}: {kv.Value:F1}"))} GFLOP/s (best {r.Machine.Bf16BestMatmulGflops:F1}; the bf16 rows' MFU is against it)");
        o.WriteLine($"precision: {r.Machine.Precision}");
        o.WriteLine($"native allocator keeps freed memory for reuse: {(r.NativeAllocatorKeepsFreedMemory ? "yes" : "no")}");
        o.WriteLine();
        o.WriteLine($"{"model",-15} {"params",9} {"GFLOP/smp",10} {"bare smp/s",11} {"pipeline smp/s",15} {"score views/s",14} {"MFU",6} {"score/train",12} {"peak RSS",9}");
        var models = new[] { r.Reference, r.Quick }.Concat(r.Bf16.Models.Select(s => s.Bf16)).ToList();
        foreach (var m in models)
            o.WriteLine($"{m.Name + (m.Precision == "fp32" ? "" : " " + m.Precision),-15} {m.Parameters,9:N0} {m.TrainingGflopPerSample,10:F3} {m.BareStepSamplesPerSecond,11:F1} {m.FullPipelineSamplesPerSecond,15:F1} " +
                        $"{m.ScoringViewsPerSecondPerModel,14:F1} {m.ModelFlopUtilisation,6:P1} {m.ScoringViewOverTrainingSample,11:F2}x {m.PeakRssBytes / 1048576.0,7:F0}MB");
        o.WriteLine("  (score views/s counts views per model; f and g together score half as many sample-views per second)");
        foreach (var s in r.Bf16.Models)
            o.WriteLine($"  {s.Model} bf16 / fp32: bare step {s.BareStepSpeedup:F2}x, pipeline {s.PipelineSpeedup:F2}x, scoring {s.ScoringSpeedup:F2}x; " +
                        $"as --precision auto runs score/train is {s.AutoScoringOverTraining:F2}x");
        if (r.Bf16.Message is { } why) o.WriteLine($"  bf16: {why}");
        foreach (var m in models)
            if (m.BareStepProfile is { } sp)
                o.WriteLine($"  {m.Name} {m.Precision} bare step: forward {sp.ForwardMs:F1} ms ({sp.ForwardMs / sp.TotalMs:P0}), backward {sp.BackwardMs:F1} ms ({sp.BackwardMs / sp.TotalMs:P0}), " +
                            $"optimiser {sp.OptimizerMs:F1} ms ({sp.OptimizerMs / sp.TotalMs:P0})");
        foreach (var m in models)
            if (m.ScoringTimings is { } st)
                o.WriteLine($"  {m.Name} {m.Precision} scoring pass (f and g): rendering views {st.RenderSeconds:F2} s ({st.RenderSeconds / st.TotalSeconds:P0}), " +
                            $"stacking {st.StackSeconds:F2} s ({st.StackSeconds / st.TotalSeconds:P0}), image towers {st.ImageForwardSeconds:F2} s " +
                            $"({st.ImageForwardSeconds / st.TotalSeconds:P0}), text towers {st.TextSeconds:F2} s ({st.TextSeconds / st.TotalSeconds:P0})");
        o.WriteLine();
        var p = r.ThreadPlacement;
        o.WriteLine($"thread placement ({p.Model}): one model x {r.Threads.TorchThreads} threads {p.OneModelAllThreadsSamplesPerSecond:F1} samples/s; " +
                    $"two models x 1 thread {p.TwoModelsOneThreadEachSamplesPerSecond:F1} samples/s combined ({p.Speedup:F2}x; faster: {p.Faster})");
        var j = r.JobPlacement;
        o.WriteLine($"the job's training ({j.Preset}, {j.Epochs} epochs, f and g as processes): at once x 1 thread {j.ConcurrentSeconds:F1} s; " +
                    $"one after the other x {r.Threads.TorchThreads} threads {j.SequentialSeconds:F1} s ({j.Speedup:F2}x; faster: {j.Faster})");
        var peer = r.Peer;
        if (peer.Status == "measured")
            o.WriteLine($"PyTorch peer {peer.TorchVersion} ({peer.Threads} threads, {peer.DataLoaderWorkers} DataLoader worker(s)), reference model: " +
                        $"bare {peer.BareStepSamplesPerSecond:F1}, pipeline {peer.FullPipelineSamplesPerSecond:F1} samples/s; " +
                        $"workbench / PyTorch: bare {peer.BareStepRatioWorkbenchOverPytorch:F2}x, pipeline {peer.FullPipelineRatioWorkbenchOverPytorch:F2}x\n" +
                        $"  peer bare step by threads: {string.Join(", ", peer.BareStepByThreads!.Select(kv => $"{kv.Key}: {kv.Value:F1}"))} samples/s; " +
                        $"against the peer's best ({peer.BestThreads} threads) the bare-step ratio is {peer.BareStepRatioAgainstPeerBestThreads:F2}x\n" +
                        $"  peer pipeline by threads:workers: {string.Join(", ", peer.FullPipelineByThreadsAndWorkers!.Select(kv => $"{kv.Key}: {kv.Value:F1}"))} samples/s; " +
                        $"against the peer's best ({peer.BestPipelineThreadsAndWorkers}) the pipeline ratio is {peer.FullPipelineRatioAgainstPeerBest:F2}x\n" +
                        $"  peer settings measured: {peer.SettingsMeasured}");
        else
            o.WriteLine(peer.Message);
        o.WriteLine();
        o.WriteLine("targets (reference model):");
        foreach (var t in r.Targets)
        {
            string measured = t.Measured is { } m ? m.ToString("F2") : "n/a";
            string verdict = t.Met switch { true => "met", false => "not met", null => "not measured" };
            o.WriteLine($"  {t.Name,-55} >= {t.Target,4:F2}  measured {measured,6}  {verdict}");
        }
    }
}
