using ClipMem.Data;

namespace ClipMem.Memorization;

/// <summary>One sample's supervised memorization terms: the mean probability of its labels under f and under g, raw = f - g.</summary>
public sealed record SupervisedMemScore(SampleId Id, double TrueLabelProbabilityF, double TrueLabelProbabilityG, double Raw);

/// <summary>
/// Memorization in the supervised paradigm (PAPER.md section 5): for a multi-label classifier h and a sample x with
/// true labels L(x), p(h, x) = mean over l in L(x) of the probability h gives l (sigmoid of its logit, averaged over
/// the K views); raw = p(f, x) - p(g, x), f having trained on x. Normalised scores divide raw by the range over S_C
/// (<see cref="ClipMemScorer.Range"/>), as CLIPMem's do. L(x) is the label set f trained on, the flipped one for a
/// label-noise sample, as CLIPMem scores the captions f trained on: a flipped sample that f fits and g, which never saw
/// it, does not gets a high score, which is what "supervised learning memorizes mislabeled samples" predicts.
/// </summary>
public static class SupervisedMem
{
    /// <summary>Per sample, the mean of its labels' probabilities.</summary>
    /// <param name="probabilities">Row-major [samples, classes]: per class, the sigmoid of the logit averaged over the views.</param>
    /// <param name="labels">Per sample, the class indices of its labels (at least one).</param>
    public static double[] TrueLabelProbability(float[] probabilities, int samples, int classes, IReadOnlyList<IReadOnlyList<int>> labels)
    {
        if (probabilities.Length != samples * classes)
            throw new ArgumentException($"probability table holds {probabilities.Length} values, not {samples} samples x {classes} classes.");
        if (labels.Count != samples) throw new ArgumentException($"{samples} samples but {labels.Count} label lists.");
        var result = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            if (labels[i].Count == 0) throw new ArgumentException($"sample {i} has no label: its true-label probability is undefined.");
            double sum = 0;
            foreach (int c in labels[i])
            {
                if (c < 0 || c >= classes) throw new ArgumentException($"sample {i} has label index {c}, outside the {classes} classes.");
                sum += probabilities[i * classes + c];
            }
            result[i] = sum / labels[i].Count;
        }
        return result;
    }

    /// <summary>raw = p(f) - p(g) per sample, in the order given.</summary>
    public static IReadOnlyList<SupervisedMemScore> Score(IReadOnlyList<SampleId> ids, IReadOnlyList<double> probabilityF, IReadOnlyList<double> probabilityG)
    {
        if (probabilityF.Count != ids.Count || probabilityG.Count != ids.Count)
            throw new ArgumentException($"{ids.Count} samples but {probabilityF.Count} probabilities under f and {probabilityG.Count} under g.");
        return ids.Select((id, i) => new SupervisedMemScore(id, probabilityF[i], probabilityG[i], probabilityF[i] - probabilityG[i])).ToList();
    }
}
