using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>A set of parameters sharing a weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double WeightDecay);

/// <summary>
/// AdamW (Loshchilov and Hutter; torch.optim.AdamW's update) written against explicit, kept-alive
/// Scalars instead of TorchSharp's built-in optimizer, whose implicit Scalar temporaries can be
/// finalized mid-call (see <see cref="TorchScalars"/>). State (step, first and second moments) saves
/// and loads exactly, so a resumed run continues bit-identically.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly ParameterGroup[] _groups;
    // Which groups decay at all: a weight-decay schedule reaches these and never the exempt ones.
    private readonly bool[] _decays;
    private readonly double _beta1, _beta2, _epsilon;
    private readonly Tensor[][] _firstMoment, _secondMoment;

    public int StepCount { get; private set; }
    public double LearningRate { get; set; }

    public AdamW(IReadOnlyList<ParameterGroup> groups, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _groups = [.. groups];
        _decays = _groups.Select(g => g.WeightDecay != 0).ToArray();
        LearningRate = learningRate;
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
        using var _ = no_grad();
        _firstMoment = groups.Select(g => g.Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray()).ToArray();
        _secondMoment = groups.Select(g => g.Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray()).ToArray();
    }

    /// <summary>Sets the decay of every group that decays (a per-step weight-decay schedule); exempt groups stay at 0.</summary>
    public void SetWeightDecay(double weightDecay)
    {
        for (int g = 0; g < _groups.Length; g++)
            if (_decays[g]) _groups[g] = _groups[g] with { WeightDecay = weightDecay };
    }

    public void ZeroGrad()
    {
        foreach (var group in _groups)
            foreach (var p in group.Parameters)
                p.grad?.zero_();
    }

    public void Step()
    {
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(_beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(_beta2, StepCount);
        using var _ = no_grad();
        using var beta1 = _beta1.ToScalar();
        using var oneMinusBeta1 = (1 - _beta1).ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var oneMinusBeta2 = (1 - _beta2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var secondCorrection = Math.Sqrt(biasCorrection2).ToScalar();
        using var stepSize = (-LearningRate / biasCorrection1).ToScalar();
        for (int g = 0; g < _groups.Length; g++)
        {
            using var decay = (1 - LearningRate * _groups[g].WeightDecay).ToScalar();
            var parameters = _groups[g].Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                var grad = p.grad;
                if (grad is null) continue;
                using var scope = NewDisposeScope();
                if (_groups[g].WeightDecay != 0) p.mul_(decay);
                _firstMoment[g][i].mul_(beta1).add_(grad, oneMinusBeta1);
                _secondMoment[g][i].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
                var denominator = _secondMoment[g][i].sqrt().div_(secondCorrection).add_(epsilon, TorchScalars.One);
                p.addcdiv_(_firstMoment[g][i], denominator, stepSize);
            }
        }
    }

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StepCount);
        writer.Write(_groups.Sum(g => g.Parameters.Count));
        foreach (var moments in new[] { _firstMoment, _secondMoment })
            foreach (var group in moments)
                foreach (var t in group)
                    t.Save(writer);
    });

    public void Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int step = reader.ReadInt32();
        int count = reader.ReadInt32();
        int expected = _groups.Sum(g => g.Parameters.Count);
        if (count != expected)
            throw new InvalidDataException($"{path}: optimizer state holds {count} parameters, the model has {expected}.");
        using var _ = no_grad();
        foreach (var moments in new[] { _firstMoment, _secondMoment })
            foreach (var group in moments)
                foreach (var t in group)
                    t.Load(reader);
        StepCount = step;
    }

    public void Dispose()
    {
        foreach (var moments in new[] { _firstMoment, _secondMoment })
            foreach (var group in moments)
                foreach (var t in group)
                    t.Dispose();
    }
}
