using ClipMem.Data;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Experiments.Paradigms;

/// <summary>What a paradigm's pieces see of the run they belong to.</summary>
public sealed record ParadigmContext(ExperimentConfig Config, RunDirectory Run, ExperimentData Data, Device Device, TextWriter Log);

/// <summary>
/// One learning paradigm (CLIP, DINO, supervised; BLIP to come) as the leave-set-out runner
/// (<see cref="LeaveSetOut.LeaveSetOutRun"/>) uses it. The runner owns everything else: splits and
/// memberships, one training job per model in its own process, checkpoints and resumption, claims,
/// derived runs and their reuse of the parent's g. A paradigm supplies only what differs between them.
/// </summary>
public interface IParadigm
{
    /// <summary>The name configs and score rows carry ("clip").</summary>
    string Name { get; }

    /// <summary>The model sizes it has a JSON model config for (model.size picks one).</summary>
    IReadOnlyList<string> ModelSizes { get; }

    /// <summary>Once per run, before any training job starts (CLIP: the tokenizer, learnt from the training splits' captions).</summary>
    void Prepare(ParadigmContext context);

    /// <summary>
    /// A fresh model of the run's size. The runner seeds torch's generator before each call, so f and g start
    /// from the same weights.
    /// </summary>
    nn.Module CreateModel(ParadigmContext context);

    /// <summary>
    /// Trains the model on these members with the shared <see cref="Trainer{TBatch}"/> and the paradigm's
    /// training task, resuming from the checkpoints under <paramref name="paths"/>; returns the steps taken.
    /// What a sample contributes (image and captions, image only, image and labels) is the task's business.
    /// </summary>
    int Train(nn.Module model, IReadOnlyList<SampleId> members, ParadigmContext context, TrainingOptions options, TrainingRunPaths paths,
        Action<TrainingProgress>? progress);

    /// <summary>The model's image tower, the ViT every paradigm shares: what UnitMem and the linear probe read.</summary>
    Models.VisionTransformer ImageTower(nn.Module model);

    /// <summary>The paradigm's memorization score of every sample of every split, as long-format rows.</summary>
    IReadOnlyList<ScoreRecord> Score(nn.Module f, nn.Module g, ParadigmContext context);
}

/// <summary>
/// One score of one sample in long format, the same columns for every paradigm (CLIPMem, SSLMem, the
/// supervised score, BLIP's ITC / ITM / LM variants), so runs of different paradigms concatenate.
/// </summary>
public sealed record ScoreRecord(string SampleId, string Split, string Paradigm, string Score, double Raw, double Normalised,
    IReadOnlyDictionary<string, double> Extras);
