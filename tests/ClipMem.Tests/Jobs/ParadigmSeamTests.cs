using ClipMem.Data;
using ClipMem.Experiments;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Tests.Training;
using ClipMem.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Tests.Jobs;

/// <summary>
/// The leave-set-out runner with a paradigm that is not CLIP: it trains, checkpoints and reloads f and g
/// through the same seam DINO, the supervised baseline and BLIP will use, with no CLIP code involved.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class ParadigmSeamTests
{
    /// <summary>One weight per sample id (hashed into 4096 slots), pushed up by every visit: what it learns records what it saw.</summary>
    private sealed class CountingParadigm : IParadigm
    {
        public sealed class Model : Module
        {
            public readonly Parameter weights;

            public Model() : base("counting")
            {
                weights = Parameter(zeros(Slots));
                RegisterComponents();
            }
        }

        private sealed class Batch(Tensor slots) : ITrainingBatch
        {
            public Tensor Slots { get; } = slots;
            public IEnumerable<Tensor> Tensors => [Slots];
            public void Dispose() => Slots.Dispose();
        }

        private sealed class Task(Model model, IReadOnlyList<SampleId> members) : ITrainingTask<Batch>
        {
            public Module Model => model;
            public int SampleCount => members.Count;

            public Batch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step) =>
                new(tensor(sampleIndices.Select(i => (long)Slot(members[i])).ToArray()));

            public IReadOnlyDictionary<string, Tensor> Losses(Batch batch, int step) =>
                new Dictionary<string, Tensor> { ["visits"] = model.weights.index_select(0, batch.Slots).sum().neg() };

            public void AfterStep(int step) { }
            public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>();
        }

        public const int Slots = 4096;

        // FNV-1a: stable across processes (string.GetHashCode is not).
        public static int Slot(SampleId id) => (int)(id.Value.Aggregate(2166136261u, (h, c) => (h ^ c) * 16777619u) % Slots);

        public int Prepared { get; private set; }
        public string Name => "counting";
        public IReadOnlyList<string> ModelSizes => ["tiny"];
        public void Prepare(ParadigmContext context) => Prepared++;
        public nn.Module CreateModel(ParadigmContext context) => new Model();

        public int Train(nn.Module model, IReadOnlyList<SampleId> members, ParadigmContext context, TrainingOptions options, TrainingRunPaths paths,
            Action<TrainingProgress>? progress) =>
            new Trainer<Batch>(new Task((Model)model, members), options with { WeightDecay = 0 }, paths) { Progress = progress }.Run();

        public ClipMem.Models.VisionTransformer ImageTower(nn.Module model) => throw new NotSupportedException("the counting model has no image tower");

        public IReadOnlyList<ScoreRecord> Score(nn.Module f, nn.Module g, ParadigmContext context) => [];
    }

    [Fact]
    public void TheRunnerTrainsChecksAndReloadsFAndGOfAnotherParadigm()
    {
        using var dir = new TempDirectory();
        var config = ExperimentPreset.Tiny with { Recipe = ExperimentPreset.Tiny.Recipe with { Epochs = 2 } };
        var runtime = new RuntimeOptions(Threads: 1);
        var run = RunDirectory.Open(dir.Path, config, runtime);
        var paradigm = new CountingParadigm();
        var runner = new LeaveSetOutRun(config, runtime, run, paradigm, TextWriter.Null);
        var data = ExperimentData.Build(config, TextWriter.Null);

        Assert.False(runner.IsTrained("f", data));
        var error = Assert.Throws<InvalidOperationException>(() => runner.Load("f", data));
        Assert.Contains($"clipmem train {run.Root} --model f", error.Message);
        foreach (var model in LeaveSetOutRun.ModelNames) runner.TrainModel(model, data);
        Assert.True(runner.IsTrained("f", data) && runner.IsTrained("g", data));
        Assert.Equal(2, paradigm.Prepared);

        using var f = (CountingParadigm.Model)runner.Load("f", data);
        using var g = (CountingParadigm.Model)runner.Load("g", data);
        // A slot only S_C samples fall in moved in f and not in g; one only S_I samples fall in, the other way round:
        // each model learnt from its own membership, and the reloaded weights are the trained ones.
        var fSlots = runner.Membership("f", data).Select(CountingParadigm.Slot).ToHashSet();
        var gSlots = runner.Membership("g", data).Select(CountingParadigm.Slot).ToHashSet();
        var fWeights = f.weights.detach().data<float>().ToArray();
        var gWeights = g.weights.detach().data<float>().ToArray();
        var onlyF = fSlots.Except(gSlots).ToList();
        var onlyG = gSlots.Except(fSlots).ToList();
        Assert.True(onlyF.Count > 40 && onlyG.Count > 40, $"{onlyF.Count} slots only f's members fall in, {onlyG.Count} only g's");
        Assert.All(onlyF, slot => Assert.True(fWeights[slot] > 0 && gWeights[slot] == 0, $"slot {slot}: f {fWeights[slot]}, g {gWeights[slot]}"));
        Assert.All(onlyG, slot => Assert.True(gWeights[slot] > 0 && fWeights[slot] == 0, $"slot {slot}: f {fWeights[slot]}, g {gWeights[slot]}"));
        // Training again is a no-op: both are finished.
        var before = Directory.GetDirectories(Path.Combine(run.Root, "f", "checkpoints")).Order().ToList();
        runner.TrainModel("f", data);
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(run.Root, "f", "checkpoints")).Order().ToList());
    }

    [Fact]
    public void AnUnknownParadigmNamesTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>((ExperimentPreset.Tiny with { Model = ExperimentPreset.Tiny.Model with { Paradigm = "simclr" } }).Validate);
        Assert.Contains("paradigm = simclr: allowed values are clip, supervised, dino", error.Message);
        Assert.IsType<ClipParadigm>(ParadigmCatalog.Create("clip"));
    }
}
