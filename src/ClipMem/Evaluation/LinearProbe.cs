using ClipMem.Common;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Evaluation;

public sealed record ProbeResult(double TrainAccuracy, double TestAccuracy, int Classes, int TrainCount, int TestCount);

/// <summary>
/// Linear probe: multinomial logistic regression on frozen, L2-normalised image features (the study's
/// utility measure). Full-batch Adam with a small L2 penalty, from a seeded zero-mean start: deterministic.
/// </summary>
public static class LinearProbe
{
    public static ProbeResult Fit(float[,] trainFeatures, int[] trainLabels, float[,] testFeatures, int[] testLabels,
        ulong seed, int steps = 500, double learningRate = 0.05, double l2 = 1e-4)
    {
        int classes = Math.Max(trainLabels.Max(), testLabels.Max()) + 1;
        int dim = trainFeatures.GetLength(1);
        if (trainFeatures.GetLength(0) != trainLabels.Length || testFeatures.GetLength(0) != testLabels.Length)
            throw new ArgumentException("Feature rows and labels differ in number.");
        using var scope = NewDisposeScope();
        var xTrain = Normalize(tensor(trainFeatures));
        var xTest = Normalize(tensor(testFeatures));
        var yTrain = tensor(trainLabels.Select(l => (long)l).ToArray());
        var yTest = tensor(testLabels.Select(l => (long)l).ToArray());

        using var generator = new Generator(DeterministicRandom.For(seed, "linear-probe").NextUInt64() >> 1);
        using var initScale = 0.01.ToScalar();
        var weight = new TorchSharp.Modules.Parameter(randn(dim, classes, generator: generator).mul(initScale));
        var bias = new TorchSharp.Modules.Parameter(zeros(classes));
        using var optimizer = new AdamW([new ParameterGroup([weight, bias], 0)], learningRate);
        // Features are unit vectors, so logits need a wide weight range: scale inputs instead of waiting for it.
        using var inputScale = Math.Sqrt(dim).ToScalar();
        using var penalty = l2.ToScalar();
        var scaledTrain = xTrain.mul(inputScale);
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.ZeroGrad();
            var logits = scaledTrain.matmul(weight).add(bias, TorchScalars.One);
            var loss = functional.cross_entropy(logits, yTrain).add(TorchScalars.Squared(weight).sum(), penalty);
            loss.backward();
            optimizer.Step();
        }
        using var _ = no_grad();
        double Accuracy(Tensor x, Tensor y) =>
            x.mul(inputScale).matmul(weight).add(bias, TorchScalars.One).argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
        return new ProbeResult(Accuracy(xTrain, yTrain), Accuracy(xTest, yTest), classes, trainLabels.Length, testLabels.Length);
    }

    private static Tensor Normalize(Tensor x) => functional.normalize(x, dim: 1);
}
