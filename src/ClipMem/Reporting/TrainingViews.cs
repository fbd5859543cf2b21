using ClipMem.Evaluation;
using ClipMem.Data.Splits;
using ClipMem.Models;
using ClipMem.Experiments;
using Plotly.NET;
using ClipMem.Training;
using Microsoft.Data.Analysis;

namespace ClipMem.Reporting;

/// <summary>What the training notebook shows: curves of a run's models from their metrics.jsonl files, the recipe, utility.</summary>
public static class TrainingViews
{
    /// <summary>The models of a run directory with recorded metrics, by name: f, g, supervised_reference.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> Histories(string runDirectory)
    {
        var histories = new Dictionary<string, IReadOnlyList<EpochMetrics>>();
        foreach (var model in new[] { "f", "g", "supervised_reference" })
        {
            string path = Path.Combine(runDirectory, model, "metrics.jsonl");
            if (File.Exists(path)) histories[model] = TrainingHistory.Read(path);
        }
        if (!histories.ContainsKey("f") || !histories.ContainsKey("g"))
            throw new InvalidOperationException($"{runDirectory}: f and g have no training metrics yet (f/metrics.jsonl, g/metrics.jsonl); train them first.");
        return histories;
    }

    /// <summary>
    /// Mean training loss per epoch of f and g, with the loss on held-out S_E pairs at the end of each epoch
    /// (dashed; the gap between the two is the generalisation gap) and the chance level of the contrastive
    /// loss: ln(batch size), the loss of a model that cannot tell the batch's pairs apart.
    /// </summary>
    public static GenericChart LossCurves(IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> histories, int batchSize)
    {
        var traces = new List<GenericChart>();
        int index = 0;
        foreach (var (model, epochs) in Clip(histories))
        {
            // Each model's held-out curve in its own colour, so the gap reads at a glance.
            string colour = ModelColours[index++ % ModelColours.Length];
            var epoch = epochs.Select(e => (double)e.Epoch + 1).ToList();
            traces.Add(Charts.Line(model, epoch, epochs.Select(e => e.Loss), colour, markers: true));
            if (epochs.Any(e => e.Metrics.ContainsKey("heldout_loss")))
                traces.Add(Charts.Line($"{model} held-out (S_E)", epoch, epochs.Select(e => e["heldout_loss"]), colour, dashed: true));
        }
        return Charts.Figure("Contrastive loss per epoch: training (solid) and held-out S_E (dashed)", "epoch", "epoch mean loss", traces, height: 320)
            .WithHorizontalLine(Math.Log(batchSize), $"chance: ln {batchSize} = {Math.Log(batchSize):F2}", "#777");
    }

    private static readonly string[] ModelColours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];

    /// <summary>The learned logit scale (inverse temperature) of the CLIP models; it starts at 1/0.07 and is clamped at 100.</summary>
    public static GenericChart LogitScaleCurves(IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> histories) =>
        Curves("Logit scale (1 / temperature) at the end of each epoch; clamped at 100", "logit scale", Clip(histories), e => e["logit_scale"])
            .WithHorizontalLine(1 / 0.07, "init 1/0.07", "#777");

    /// <summary>The learning rate at the end of each epoch: warm-up, then cosine decay.</summary>
    public static GenericChart LearningRateCurves(IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> histories) =>
        Curves("Learning rate (end of epoch)", "learning rate", histories, e => e.LearningRate);

    private static IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> Clip(IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> histories) =>
        histories.Where(h => h.Value.Any(e => e.Metrics.ContainsKey("logit_scale"))).ToDictionary(h => h.Key, h => h.Value);

    private static GenericChart Curves(string title, string yTitle, IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> histories, Func<EpochMetrics, double> value) =>
        Charts.Figure(title, "epoch", yTitle,
            histories.Select(h => Charts.Line(h.Key, h.Value.Select(e => (double)e.Epoch + 1), h.Value.Select(value), markers: true)), height: 320);

    /// <summary>The training recipe of a config beside the study's COCO recipe (PAPER.md section 1).</summary>
    public static DataFrame Recipe(ExperimentConfig config, ClipModel? model = null)
    {
        var m = Experiments.Paradigms.ClipParadigm.ModelConfig(config, config.Model.VocabularySize);
        var sizes = config.Data.Splits ?? SplitSizes.ScaledTo(config.Data.PoolSize);
        var recipe = config.Recipe;
        var rows = new List<(string Setting, string Ours, string Study)>
        {
            ("training pool (S_S + S_C)", $"{sizes.Shared + sizes.Candidates:N0} samples", StudyReference.Recipe.Pool),
            ("image encoder", $"ViT {m.Vision.ImageSize} px, patch {m.Vision.PatchSize}, width {m.Vision.Width}, {m.Vision.Layers} layers", StudyReference.Recipe.ImageEncoder),
            ("text encoder", $"width {m.Text.Width}, {m.Text.Layers} layers, context {m.Text.ContextLength}", StudyReference.Recipe.TextEncoder),
            ("embedding width", $"{m.EmbedDim}", StudyReference.Recipe.EmbeddingWidth),
            ("parameters", model is null ? "(build the model to count)" : $"{model.ParameterCount():N0}", StudyReference.Recipe.Parameters),
            ("epochs", $"{recipe.Epochs}", StudyReference.Recipe.Epochs),
            ("batch size", $"{recipe.BatchSize}", StudyReference.Recipe.BatchSize),
            ("optimizer", $"AdamW lr {recipe.LearningRate:G3}, betas {recipe.Beta1}/{recipe.Beta2}, eps {recipe.Epsilon:G3}, wd {recipe.WeightDecay}", StudyReference.Recipe.Optimizer),
            ("schedule", $"warm-up {recipe.WarmupFraction:P0} of steps, then cosine", StudyReference.Recipe.Schedule),
            ("logit scale", "learned, init 1/0.07, clamped at 100", StudyReference.Recipe.LogitScale),
        };
        return new DataFrame(
            new StringDataFrameColumn("setting", rows.Select(r => r.Setting)),
            new StringDataFrameColumn($"this run ({config.Preset})", rows.Select(r => r.Ours)),
            new StringDataFrameColumn("study (COCO)", rows.Select(r => r.Study)));
    }

    /// <summary>f's utility beside the study's ViT-Base figures (PAPER.md finding 4) where it reports one.</summary>
    public static DataFrame UtilityTable(UtilityResult utility)
    {
        var rows = new List<(string Measure, double? Ours, string Study)>
        {
            ("linear probe, CLIP f", utility.LinearProbe, $"{StudyReference.Percent(StudyReference.ClipLinearProbe)} (ImageNet)"),
            ("linear probe, random init (floor)", utility.LinearProbeRandomInit, ""),
            ("linear probe, supervised ViT (ceiling)", utility.LinearProbeSupervised, $"{StudyReference.Percent(StudyReference.SupervisedLinearProbe)} (supervised ViT)"),
            ("zero-shot, CLIP f", utility.ZeroShot, ""),
        };
        if (utility.ZeroShotAttributeAcc is { } attribute)
            rows.Add(($"zero-shot {utility.ZeroShotAttribute} of the same images, CLIP f", attribute, ""));
        rows.AddRange(Retrieval.InReadingOrder(utility.Retrieval).Select(kv => ($"retrieval on S_E, {kv.Key.Replace('_', ' ')}", (double?)kv.Value, "")));
        return new DataFrame(
            new StringDataFrameColumn("measure", rows.Select(r => r.Measure)),
            new StringDataFrameColumn("this run", rows.Select(r => Common.Percentage.Format(r.Ours))),
            new StringDataFrameColumn("study", rows.Select(r => r.Study)));
    }

    /// <summary>Linear-probe accuracy of CLIP f between its floor (random init) and ceiling (supervised), with chance.</summary>
    public static GenericChart ProbeChart(UtilityResult utility)
    {
        int classes = utility.ProbeClasses;
        string[] names = ["random init (floor)", "CLIP f", "supervised ViT (ceiling)"];
        double[] values = [utility.LinearProbeRandomInit ?? double.NaN, utility.LinearProbe ?? double.NaN, utility.LinearProbeSupervised ?? double.NaN];
        string task = utility.ProbeDescription?.Split(';')[0] ?? "no probe task";
        return Charts.Figure($"Linear probe accuracy on frozen image features ({task})", "encoder", "test accuracy", [Charts.Bars("accuracy", names, values)], height: 340)
            .WithHorizontalLine(classes > 0 ? 1.0 / classes : 0, classes > 0 ? $"chance 1/{classes}" : "no probe task", "#777");
    }
}
