using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Evaluation;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Experiments;

public sealed record UtilityResult(
    double? LinearProbe,
    double? LinearProbeRandomInit,
    double? LinearProbeSupervised,
    double? ZeroShot,
    IReadOnlyDictionary<string, double> Retrieval,
    string? ProbeDescription,
    int ProbeClasses = 0,
    string? ZeroShotAttribute = null,
    double? ZeroShotAttributeAcc = null);

/// <summary>
/// How useful f's encoders are (PAPER.md section 5, Utility): linear probe on frozen L2-normalised image
/// features, beside the same probe on a randomly initialised encoder (floor) and on a supervised ViT
/// trained on the probe's own labels (ceiling); zero-shot with caption prompts; retrieval on S_E.
/// </summary>
public sealed class UtilityEvaluation(ExperimentConfig config, Device device, string workDirectory, TextWriter log)
{
    public UtilityResult Measure(ClipModel f, ClipDataPipeline text, EmbeddingSet embF, ExperimentData data)
    {
        var gallery = data.Plan.Members(Split.Extra).Select(embF.IndexOf).ToList();
        var retrieval = Retrieval.RecallAtK(embF, gallery, 1, 5, 10);

        var probe = ProbeTask.For(config, log);
        if (probe is null)
        {
            log.WriteLine($"utility: {config.Data.Dataset} has no labelled probe set; reporting retrieval only");
            return new UtilityResult(null, null, null, null, retrieval, null);
        }
        int resolution = config.Data.Resolution;
        var trainImages = new ImageCache(probe.Train, resolution);
        var testImages = new ImageCache(probe.Test, resolution);
        var trainIds = probe.Train.Select(s => s.Id).ToList();
        var testIds = probe.Test.Select(s => s.Id).ToList();
        var trainLabels = probe.LabelsOf(probe.Train);
        var testLabels = probe.LabelsOf(probe.Test);

        double Probe(VisionTransformer visual) => LinearProbe.Fit(
            ImageFeatures.Extract(visual, trainImages, trainIds, resolution, device), trainLabels,
            ImageFeatures.Extract(visual, testImages, testIds, resolution, device), testLabels, config.Seed).TestAccuracy;

        double clip = Probe(f.Visual);

        torch.manual_seed((long)(config.Seed + 7919));
        using var random = new ClipModel(f.Config);
        random.to(device);
        double randomInit = Probe(random.Visual);

        double supervised = TrainSupervisedReference(probe, trainImages, trainIds, testImages, testIds, testLabels, f.Config.Vision);

        var testEmbeddings = new float[testIds.Count * f.Config.EmbedDim];
        using (no_grad())
        {
            f.eval();
            for (int start = 0; start < testIds.Count; start += 256)
            {
                int count = Math.Min(256, testIds.Count - start);
                using var scope = NewDisposeScope();
                var views = testIds.Skip(start).Take(count).Select(id => testImages.Get(id).CenterSquare(resolution)).ToList();
                f.EncodeImage(ImageTensors.Stack(views, device)).cpu().data<float>().ToArray().CopyTo(testEmbeddings, start * f.Config.EmbedDim);
            }
        }
        double zeroShot = ZeroShot.Accuracy(f, text, testEmbeddings, testLabels, probe.Classes, probe.PromptTemplates);
        double? attribute = probe.Attribute is { } a
            ? ZeroShot.Accuracy(f, text, testEmbeddings, a.LabelsOf(probe.Test), a.Classes, a.PromptTemplates)
            : null;
        log.WriteLine($"utility: linear probe CLIP {clip:P1}, random init {randomInit:P1}, supervised ViT {supervised:P1}; zero-shot {zeroShot:P1}" +
                      (attribute is null ? "" : $" ({probe.Attribute!.Name} of the same images: {attribute:P1})") +
                      $"; retrieval image->text R@1 {retrieval["image_to_text_R@1"]:P1}");
        return new UtilityResult(clip, randomInit, supervised, zeroShot, retrieval, probe.Description, probe.Classes.Count, probe.Attribute?.Name, attribute);
    }

    /// <summary>The ceiling: the same ViT trained with labels on the probe's training images, then probed like the others.</summary>
    private double TrainSupervisedReference(ProbeTask probe, ImageCache trainImages, List<SampleId> trainIds, ImageCache testImages,
        List<SampleId> testIds, int[] testLabels, VisionConfig vision)
    {
        int resolution = config.Data.Resolution;
        var recipe = config.Recipe;
        torch.manual_seed((long)(config.Seed + 104729));
        using var classifier = new SupervisedClassifier(vision, probe.Classes.Count);
        classifier.to(device);
        var task = new SupervisedTrainingTask(classifier, trainImages, trainIds, probe.Classes, resolution,
            config.Data.Transform with { FlipProbability = 0 }, config.Seed, device);
        var options = new TrainingOptions(config.Utility.ProbeEpochs, Math.Min(recipe.BatchSize, trainIds.Count / 2), recipe.LearningRate, recipe.WeightDecay, Seed: config.Seed);
        // Kept in the run directory, so a re-run reuses the trained reference like it reuses f and g.
        new Trainer<LabelledBatch>(task, options, new TrainingRunPaths(workDirectory, config.Hash(), "supervised")).Run();
        var trainLabels = probe.LabelsOf(probe.Train);
        return LinearProbe.Fit(
            ImageFeatures.Extract(classifier.Visual, trainImages, trainIds, resolution, device), trainLabels,
            ImageFeatures.Extract(classifier.Visual, testImages, testIds, resolution, device), testLabels, config.Seed).TestAccuracy;
    }
}
