using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Experiments.Paradigms;

/// <summary>
/// The study's supervised paradigm (PAPER.md section 5) as a plug-in of the leave-set-out runner: the preset's ViT with
/// a linear head, trained multi-label with binary cross-entropy on each sample's labels (f_sl on S_S + S_C, g_sl on
/// S_S + S_I), scored by the mean probability of the labels f trained on under f minus under g.
/// <para>
/// Label noise mirrors the mis-caption injection: the samples whose captions are deranged (5% of S_C) train on their
/// donor's labels instead of their own, so "supervised learning memorizes mislabeled samples" is tested on the very
/// samples CLIP's mis-caption test uses, flagged the same way (Truth.IsMiscaptioned).
/// </para>
/// </summary>
public sealed class SupervisedParadigm : IParadigm
{
    public const string ParadigmName = "supervised";
    public const string ScoreName = "supervised_mem";

    private Preparation? _prepared;

    private sealed record Preparation(ExperimentData Data, ImageCache Cache, IReadOnlyList<string> Classes, IReadOnlyDictionary<string, int> IndexOf);

    public string Name => ParadigmName;

    public IReadOnlyList<string> ModelSizes => ClipModelConfigs.Sizes;

    public void Prepare(ParadigmContext context) => Prepared(context);

    /// <summary>The label set: every label of the pool, in ordinal order (the same for f and g, whatever their members).</summary>
    public IReadOnlyList<string> Classes(ParadigmContext context) => Prepared(context).Classes;

    /// <summary>The class indices a sample trains on: its donor's labels for a sample of the injection, its own otherwise.</summary>
    public IReadOnlyList<int> TrainingLabels(ParadigmContext context, SampleId id)
    {
        var prepared = Prepared(context);
        var source = context.Data.Injection.DonorOf.TryGetValue(id, out var donor) ? donor : id;
        var labels = context.Data.Pool[source].Labels;
        if (labels.Count == 0)
            throw new DataFormatException(context.Data.Pool.Source, source, "sample has no label: the supervised paradigm needs labelled data");
        return labels.Select(l => prepared.IndexOf[l]).Distinct().ToList();
    }

    /// <summary>The preset's ViT (of model.size, at the data's resolution) with one logit per class.</summary>
    public nn.Module CreateModel(ParadigmContext context) =>
        new SupervisedClassifier(ClipParadigm.ModelConfig(context.Config, context.Config.Model.VocabularySize).Vision, Classes(context).Count);

    public VisionTransformer ImageTower(nn.Module model) => ((SupervisedClassifier)model).Visual;

    public int Train(nn.Module model, IReadOnlyList<SampleId> members, ParadigmContext context, TrainingOptions options, TrainingRunPaths paths,
        Action<TrainingProgress>? progress)
    {
        var config = context.Config;
        var task = new MultiLabelTrainingTask((SupervisedClassifier)model, Prepared(context).Cache, members, id => TrainingLabels(context, id),
            config.Data.Resolution, config.Data.Transform, config.Seed, context.Device);
        return new Trainer<LabelledBatch>(task, options, paths) { Progress = progress }.Run();
    }

    /// <summary>Every sample of every split: raw = p(f) - p(g) over the labels f trained on, normalised by the range over S_C.</summary>
    public IReadOnlyList<ScoreRecord> Score(nn.Module f, nn.Module g, ParadigmContext context)
    {
        var config = context.Config;
        var plan = context.Data.Plan;
        var ids = Enum.GetValues<Split>().SelectMany(plan.Members).ToList();
        var measurement = new SupervisedMemMeasurement(Prepared(context).Cache, config.Data.Resolution, config.Scoring.Views, config.Seed,
            config.Data.Transform, context.Device);
        var scores = measurement.Score((SupervisedClassifier)f, (SupervisedClassifier)g, ids, ids.Select(id => TrainingLabels(context, id)).ToList());
        var candidates = plan.Members(Split.Candidates).ToHashSet();
        double range = ClipMemScorer.Range(scores.Where(s => candidates.Contains(s.Id)).Select(s => s.Raw));
        return scores.Select(s => new ScoreRecord(s.Id.Value, plan.SplitOf(s.Id)!.Value.Short(), ParadigmName, ScoreName, s.Raw, s.Raw / range,
            new Dictionary<string, double> { ["label_probability_f"] = s.TrueLabelProbabilityF, ["label_probability_g"] = s.TrueLabelProbabilityG })).ToList();
    }

    private Preparation Prepared(ParadigmContext context)
    {
        if (_prepared is { } cached && ReferenceEquals(cached.Data, context.Data)) return cached;
        var classes = context.Data.Pool.SelectMany(s => s.Labels).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new ArgumentException($"{context.Data.Pool.Source}: no sample carries a label; the supervised paradigm needs labelled data (synthetic scenes, COCO categories, an IDX class).");
        return _prepared = new Preparation(context.Data, new ImageCache(context.Data.Effective, context.Config.Data.Resolution), classes,
            classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal));
    }
}
