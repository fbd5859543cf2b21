using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipMem.Tests.Training;

[Collection(TorchRandomStateCollection.Name)]
public class TrainerTests
{
    private const ulong Seed = 7;
    private const long InitSeed = 1234;
    private static readonly TinyClipData Data = new(96);

    public TrainerTests() => torch.set_num_threads(1);

    private static ClipModel NewModel()
    {
        torch.manual_seed(InitSeed);
        return new ClipModel(Data.Config);
    }

    private static TrainingOptions Options(int epochs) => new(Epochs: epochs, BatchSize: 16, LearningRate: 5e-3, Seed: Seed);

    private static Trainer<ClipBatch> NewTrainer(ClipModel model, string directory, int epochs, double textNoise = 0, int? stopAfter = null, string hash = "config-a") =>
        new(new ClipTrainingTask(model, Data.Pipeline(Seed), Seed, textNoise), Options(epochs), new TrainingRunPaths(directory, hash, "test-run"))
        {
            StopAfterStep = stopAfter,
        };

    private static Dictionary<string, float[]> Weights(ClipModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)] // the text-noise mitigation draws fresh noise every step; it must replay on resume too
    public void ResumingMidEpochEqualsAnUninterruptedRun(double textNoise)
    {
        const int epochs = 3;
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();

        using var modelA = NewModel();
        var trainerA = NewTrainer(modelA, dirA.Path, epochs, textNoise);
        int stepsPerEpoch = trainerA.StepsPerEpoch;
        Assert.Equal(6, stepsPerEpoch);
        Assert.Equal(epochs * stepsPerEpoch, trainerA.Run());
        var expected = Weights(modelA);

        int stopAt = stepsPerEpoch + stepsPerEpoch / 2; // in the middle of the second epoch
        using (var interrupted = NewModel())
            Assert.Equal(stopAt, NewTrainer(interrupted, dirB.Path, epochs, textNoise, stopAfter: stopAt).Run());
        Assert.Single(File.ReadAllLines(Path.Combine(dirB.Path, "metrics.jsonl")));

        using var resumed = NewModel();
        Assert.Equal(epochs * stepsPerEpoch, NewTrainer(resumed, dirB.Path, epochs, textNoise).Run());
        var actual = Weights(resumed);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"parameter {name} differs between the uninterrupted and the resumed run");
        // Training moved the weights (otherwise equality would prove nothing).
        using (var untrained = NewModel())
            Assert.Contains(Weights(untrained), p => !p.Value.AsSpan().SequenceEqual(expected[p.Key]));

        // One metrics line per epoch, and the resumed run reports what the uninterrupted one did (the loss of
        // the interrupted epoch averages all its steps, including those before the interruption).
        var linesA = File.ReadAllLines(Path.Combine(dirA.Path, "metrics.jsonl"));
        var linesB = File.ReadAllLines(Path.Combine(dirB.Path, "metrics.jsonl"));
        Assert.Equal(epochs, linesA.Length);
        Assert.Equal(epochs, linesB.Length);
        for (int e = 0; e < epochs; e++)
        {
            using var a = System.Text.Json.JsonDocument.Parse(linesA[e]);
            using var b = System.Text.Json.JsonDocument.Parse(linesB[e]);
            Assert.Equal(e, b.RootElement.GetProperty("epoch").GetInt32());
            Assert.Equal((e + 1) * stepsPerEpoch, b.RootElement.GetProperty("step").GetInt32());
            foreach (var metric in new[] { "loss", "lr", "logit_scale" })
                Assert.True(a.RootElement.GetProperty(metric).GetDouble() == b.RootElement.GetProperty(metric).GetDouble(),
                    $"epoch {e} {metric}: uninterrupted {a.RootElement.GetProperty(metric)}, resumed {b.RootElement.GetProperty(metric)}");
        }
    }

    [Fact]
    public void ACheckpointRecordsItsThreadCountAndAResumeOnAnotherCountIsWarnedAbout()
    {
        using var dir = new TempDirectory();
        using (var first = NewModel())
            NewTrainer(first, dir.Path, 2, stopAfter: 3).Run();  // on the constructor's 1 thread
        string checkpoint = Checkpoint.Latest(Path.Combine(dir.Path, "checkpoints"))!;
        Assert.Equal(1, Checkpoint.ReadState(checkpoint).TorchThreads);

        var sameCount = new StringWriter();
        using (var resumed = NewModel())
            new Trainer<ClipBatch>(new ClipTrainingTask(resumed, Data.Pipeline(Seed), Seed), Options(2), new TrainingRunPaths(dir.Path, "config-a", "test-run"))
            {
                StopAfterStep = 6, Warnings = sameCount,
            }.Run();
        Assert.Equal("", sameCount.ToString());

        string resumedFrom = Checkpoint.Latest(Path.Combine(dir.Path, "checkpoints"))!;
        var otherCount = new StringWriter();
        torch.set_num_threads(2);
        try
        {
            using var resumed = NewModel();
            new Trainer<ClipBatch>(new ClipTrainingTask(resumed, Data.Pipeline(Seed), Seed), Options(2), new TrainingRunPaths(dir.Path, "config-a", "test-run"))
            {
                Warnings = otherCount,
            }.Run();
        }
        finally
        {
            torch.set_num_threads(1);
        }
        string warning = otherCount.ToString();
        Assert.StartsWith(resumedFrom + ": ", warning);
        Assert.Contains("written on 1 torch thread, resuming on 2", warning);
        Assert.Contains("--threads 1", warning);
        // Checkpoints from before the count was recorded resume without a warning.
        Assert.Null((Checkpoint.ReadState(checkpoint) with { TorchThreads = null }).ThreadMismatch(checkpoint, 2));
    }

    [Fact]
    public void RefusesACheckpointWrittenForAnotherConfiguration()
    {
        using var dir = new TempDirectory();
        using (var first = NewModel())
            NewTrainer(first, dir.Path, 1, stopAfter: 2, hash: "config-a").Run();
        string checkpoint = Checkpoint.Latest(Path.Combine(dir.Path, "checkpoints"))!;
        Assert.NotNull(checkpoint);

        using var second = NewModel();
        var error = Assert.Throws<InvalidOperationException>(() => NewTrainer(second, dir.Path, 1, hash: "config-b").Run());
        Assert.Contains(checkpoint, error.Message);
        Assert.Contains("config-a", error.Message);
        Assert.Contains("config-b", error.Message);
    }

    [Theory]
    [InlineData("model.bin", "flip")]       // loads without complaint in TorchSharp: only the checksum sees it
    [InlineData("optimizer.bin", "truncate")]
    [InlineData("state.json", "delete")]
    public void ADamagedCheckpointIsSetAsideAndTrainingResumesFromTheOneBeforeToTheSameWeights(string file, string damage)
    {
        const int epochs = 3;
        using var whole = new TempDirectory();
        using var dir = new TempDirectory();
        Dictionary<string, float[]> expected;
        using (var model = NewModel()) { NewTrainer(model, whole.Path, epochs).Run(); expected = Weights(model); }

        using (var first = NewModel()) NewTrainer(first, dir.Path, epochs, stopAfter: 3).Run();
        using (var second = NewModel()) NewTrainer(second, dir.Path, epochs, stopAfter: 9).Run();
        string checkpoints = Path.Combine(dir.Path, "checkpoints");
        string latest = Checkpoint.Latest(checkpoints)!;
        Assert.EndsWith("step-00000009", latest);
        string target = Path.Combine(latest, file);
        var bytes = File.ReadAllBytes(target);
        if (damage == "flip") { bytes[bytes.Length / 2] ^= 0x01; File.WriteAllBytes(target, bytes); }
        else if (damage == "truncate") File.WriteAllBytes(target, bytes[..(bytes.Length / 2)]);
        else File.Delete(target);

        Assert.EndsWith("step-00000003", Checkpoint.Latest(checkpoints));
        string aside = Path.Combine(checkpoints, "corrupt-step-00000009");
        Assert.Contains(file, File.ReadAllText(Path.Combine(aside, "corrupt.txt")));
        using var resumed = NewModel();
        Assert.Equal(epochs * 6, NewTrainer(resumed, dir.Path, epochs).Run());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(Weights(resumed)[name]), $"parameter {name} differs from the uninterrupted run");
    }

    [Fact]
    public void RestoringADamagedCheckpointByNameIsRefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        using (var first = NewModel()) NewTrainer(first, dir.Path, 1, stopAfter: 2).Run();
        string checkpoint = Checkpoint.Latest(Path.Combine(dir.Path, "checkpoints"))!;
        string modelFile = Path.Combine(checkpoint, "model.bin");
        File.WriteAllBytes(modelFile, System.Text.Encoding.ASCII.GetBytes("this is not a TorchSharp state dict"));

        using var model = NewModel();
        var error = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(checkpoint, model, null, "config-a"));
        Assert.Contains(checkpoint, error.Message);
        Assert.Contains("model.bin does not match its checksum", error.Message);
    }

    [Fact]
    public void WeightDecayFollowsOpenClipExemptingBiasesNormsAndTheLogitScaleButNotTheEmbeddings()
    {
        using var model = NewModel();
        var groups = WeightDecayRule.OpenClip(model, 0.1);
        Assert.Equal([0.1, 0.0], groups.Select(g => g.WeightDecay));
        var (decay, noDecay) = (groups[0].Parameters, groups[1].Parameters);
        // Identify parameters by object identity (the split hands out the objects named_parameters() holds) and
        // classify them by the type of module that owns them, independent of the names the split looks at.
        var decayed = decay.Cast<Tensor>().ToHashSet(ReferenceEqualityComparer.Instance);
        var exempt = noDecay.Cast<Tensor>().ToHashSet(ReferenceEqualityComparer.Instance);
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.Equal(named.Count, decayed.Count + exempt.Count);
        Assert.All(named.Values, p => Assert.True(decayed.Contains(p) ^ exempt.Contains(p)));

        int linear = 0, conv = 0, norm = 0, embedding = 0;
        foreach (var (name, module) in model.named_modules())
        {
            Tensor Own(string parameter) => named[$"{name}.{parameter}"];
            switch (module)
            {
                case Linear:
                    Assert.Contains(Own("weight"), decayed);
                    Assert.Contains(Own("bias"), exempt);
                    linear++;
                    break;
                case Conv2d:
                    Assert.Contains(Own("weight"), decayed);
                    conv++;
                    break;
                case LayerNorm:
                    Assert.Contains(Own("weight"), exempt);
                    Assert.Contains(Own("bias"), exempt);
                    norm++;
                    break;
                case Embedding:
                    // open_clip decays the token embedding (a matrix), unlike the workbench before it followed open_clip.
                    Assert.Contains(Own("weight"), decayed);
                    embedding++;
                    break;
            }
        }
        Assert.True(linear >= 8 && conv == 1 && norm >= 7 && embedding == 1, $"found {linear} Linear, {conv} Conv2d, {norm} LayerNorm, {embedding} Embedding modules");

        // Free parameters: the logit scale and the class embedding (both with fewer than two dimensions) are
        // exempt; the positional embeddings and the projections are matrices and decay.
        Assert.Contains(named["logit_scale"], exempt);
        Assert.Contains(named["visual.class_embedding"], exempt);
        Assert.Contains(named["visual.positional_embedding"], decayed);
        Assert.Contains(named["text.positional_embedding"], decayed);
        Assert.Contains(named["visual.proj"], decayed);
        Assert.Contains(named["text.text_projection"], decayed);
    }
}
