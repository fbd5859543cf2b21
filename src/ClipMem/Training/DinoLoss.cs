using ClipMem.Common;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Training;

/// <summary>One step's DINO loss with the terms that show collapse (Caron et al. 2021, section 5.3 and figure 7).</summary>
/// <param name="TeacherEntropy">Mean entropy of the teacher's sharpened distribution per crop, in nats.</param>
/// <param name="TeacherMarginalEntropy">Entropy of the teacher's distribution averaged over the batch: near 0 when one prototype takes every sample.</param>
/// <param name="KullbackLeibler">Mean KL(teacher || student) over the loss's pairs: cross-entropy minus teacher entropy; near 0 at collapse.</param>
public sealed record DinoLossTerms(Tensor Loss, double TeacherEntropy, double TeacherMarginalEntropy, double KullbackLeibler);

/// <summary>
/// DINO's objective (DINOLoss in facebookresearch/dino, main_dino.py): the teacher's outputs on the global crops, centred
/// and sharpened, are the targets of the student's softmax on every other crop; the cross-entropies of all pairs of a
/// teacher crop with a different student crop are averaged. Rows are crop-major: crop c of sample b is row c * B + b.
/// </summary>
public static class DinoLoss
{
    /// <summary>softmax((teacher - center) / temperature): the sharpened, centred targets, without a graph.</summary>
    public static Tensor TeacherTargets(Tensor teacherOutput, Tensor center, double temperature)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var t = temperature.ToScalar();
        return functional.softmax(teacherOutput.sub(center).div(t), -1).detach().MoveToOuterDisposeScope();
    }

    /// <param name="studentOutput">[(globals + locals) * B, K]: the student's head on every crop, crop-major.</param>
    /// <param name="teacherOutput">[globals * B, K]: the teacher's head on the global crops, crop-major.</param>
    public static DinoLossTerms Compute(Tensor studentOutput, Tensor teacherOutput, Tensor center, double studentTemperature, double teacherTemperature,
        int crops, int globalCrops = DinoRecipe.GlobalCrops)
    {
        long rows = studentOutput.shape[0];
        if (rows % crops != 0) throw new ArgumentException($"the student's {rows} rows do not split into {crops} crops.");
        long batch = rows / crops;
        if (teacherOutput.shape[0] != globalCrops * batch)
            throw new ArgumentException($"the teacher has {teacherOutput.shape[0]} rows, not {globalCrops} global crops x {batch} samples.");
        if (crops < 2) throw new ArgumentException($"DINO needs two crops or more to pair, got {crops}.");
        using var scope = NewDisposeScope();
        using var ts = studentTemperature.ToScalar();
        var studentLogProbabilities = functional.log_softmax(studentOutput.div(ts), -1);
        var targets = TeacherTargets(teacherOutput, center, teacherTemperature);
        Tensor? total = null;
        int pairs = 0;
        for (int q = 0; q < globalCrops; q++)
        {
            var target = targets.narrow(0, q * batch, batch);
            for (int v = 0; v < crops; v++)
            {
                if (v == q) continue;
                var crossEntropy = target.mul(studentLogProbabilities.narrow(0, v * batch, batch)).sum([-1]).neg().mean();
                total = total is null ? crossEntropy : total.add(crossEntropy, TorchScalars.One);
                pairs++;
            }
        }
        using var count = ((double)pairs).ToScalar();
        var loss = total!.div(count);
        double entropy = Entropy(targets).mean().item<float>();
        double marginal = Entropy(targets.mean([0], keepdim: true)).item<float>();
        double kl = loss.item<float>() - entropy;
        return new DinoLossTerms(loss.MoveToOuterDisposeScope(), entropy, marginal, kl);
    }

    // -sum p log p per row; 0 log 0 = 0.
    private static Tensor Entropy(Tensor probabilities)
    {
        using var tiny = 1e-30.ToScalar();
        return probabilities.mul(probabilities.clamp_min(tiny).log()).sum([-1]).neg();
    }
}
