using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>A multi-crop batch: the global crops [2B, 3, r, r] and the local ones [nB, 3, r_l, r_l], crop-major.</summary>
public sealed class MultiCropBatch(Tensor globals, Tensor? locals) : ITrainingBatch
{
    public Tensor Globals { get; } = globals;
    public Tensor? Locals { get; } = locals;
    public IEnumerable<Tensor> Tensors => Locals is null ? [Globals] : [Globals, Locals];

    public void Dispose()
    {
        Globals.Dispose();
        Locals?.Dispose();
    }
}

/// <summary>What one epoch of DINO looked like: the terms that tell learning from collapse.</summary>
public sealed record DinoEpochSignals(int Epoch, double TeacherEntropy, double TeacherMarginalEntropy, double KullbackLeibler, int Prototypes)
{
    /// <summary>
    /// What the teacher's output says about its input, in nats: the entropy of the batch's mean distribution minus the
    /// mean entropy of each sample's (the mutual information between sample and prototype, estimated over a batch).
    /// </summary>
    public double Information => TeacherMarginalEntropy - TeacherEntropy;

    /// <summary>
    /// Collapse in either of DINO's two forms (Caron et al. 2021, section 5.3, figure 7): a uniform teacher (every
    /// sample's entropy at ln K) or one prototype for every sample (the mean distribution at entropy 0). Both are a
    /// teacher whose output no longer depends on its input, so the test is the information it carries, not the entropy
    /// alone: early in a short run a healthy teacher is close to uniform and still tells the samples apart (the KL term
    /// stays well above 0). Null while training is healthy, else what collapsed.
    /// </summary>
    public string? Collapse()
    {
        double uniform = Math.Log(Prototypes);
        if (Information >= InformationShare * uniform) return null;
        string form = TeacherEntropy > uniform / 2 ? "uniform" : "one-prototype";
        return $"{form} collapse in epoch {Epoch}: the teacher's output carries {Information:F4} nats about its input " +
               $"(under {InformationShare:P0} of ln {Prototypes} = {uniform:F3}); its entropy is {TeacherEntropy:F3} nats per sample, " +
               $"{TeacherMarginalEntropy:F3} for the batch's mean; KL(teacher || student) {KullbackLeibler:F4}";
    }

    /// <summary>A teacher whose output carries under this share of ln K about its input is taken as collapsed.</summary>
    public const double InformationShare = 0.01;
}

/// <summary>
/// DINO as a training task: the student learns to match the centred, sharpened teacher across crops; the optimiser sees
/// the student only; after each step the teacher follows the student by EMA with a cosine momentum schedule and the
/// centre follows the teacher's outputs. The prototype layer is frozen for the first epochs, each parameter's gradient
/// is clipped, and the weight decay rises on a cosine. The epoch's teacher entropy and KL are logged, and a collapsed
/// run stops with an error that says which collapse it was.
/// </summary>
public sealed class DinoTrainingTask(DinoModel model, ImageCache images, IReadOnlyList<SampleId> members, MultiCrop crops, DinoRecipe recipe,
    int batchSize, Device? device = null) : ITrainingTask<MultiCropBatch>
{
    private double[] _momentum = [], _teacherTemperature = [];
    private readonly List<(double Entropy, double Marginal, double Kl)> _epoch = [];

    public nn.Module Model => model;
    public int SampleCount => members.Count;
    private int StepsPerEpoch => Math.Max(1, members.Count / batchSize);
    private int Crops => DinoRecipe.GlobalCrops + crops.LocalCrops;

    /// <summary>The signals of the epochs finished so far.</summary>
    public List<DinoEpochSignals> Signals { get; } = [];

    public MultiCropBatch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step)
    {
        int b = sampleIndices.Count;
        var globals = new RgbImage[DinoRecipe.GlobalCrops * b];
        var locals = new RgbImage[crops.LocalCrops * b];
        for (int i = 0; i < b; i++)
        {
            var id = members[sampleIndices[i]];
            var image = images.Get(id);
            for (int c = 0; c < Crops; c++)
            {
                var crop = crops.Crop(image, id, epoch, c);
                if (c < DinoRecipe.GlobalCrops) globals[c * b + i] = crop;
                else locals[(c - DinoRecipe.GlobalCrops) * b + i] = crop;
            }
        }
        return new MultiCropBatch(ImageTensors.Stack(globals, device), locals.Length == 0 ? null : ImageTensors.Stack(locals, device));
    }

    public IReadOnlyDictionary<string, Tensor> Losses(MultiCropBatch batch, int step)
    {
        if (step % StepsPerEpoch == 0) _epoch.Clear();
        var teacher = model.TeacherForward(batch.Globals);
        var student = model.StudentForward(batch.Globals, batch.Locals);
        var terms = DinoLoss.Compute(student, teacher, model.Center, recipe.StudentTemperature, _teacherTemperature[step], Crops);
        model.UpdateCenter(teacher, recipe.CenterMomentum);
        _epoch.Add((terms.TeacherEntropy, terms.TeacherMarginalEntropy, terms.KullbackLeibler));
        return new Dictionary<string, Tensor> { ["dino"] = terms.Loss };
    }

    public IReadOnlyList<ParameterGroup> ParameterGroups(double weightDecay)
    {
        var decay = new List<TorchSharp.Modules.Parameter>();
        var exempt = new List<TorchSharp.Modules.Parameter>();
        // DINO's get_params_groups: no decay for biases and one-dimensional parameters (norms, the class token).
        foreach (var (name, parameter) in model.StudentParameters())
            (WeightDecayRule.IsExempt(name, parameter) ? exempt : decay).Add(parameter);
        return [new ParameterGroup(decay, weightDecay), new ParameterGroup(exempt, 0)];
    }

    public IReadOnlyDictionary<string, double[]> Schedules(int totalSteps)
    {
        _momentum = recipe.MomentumSchedule(totalSteps);
        _teacherTemperature = recipe.TeacherTemperatureSchedule(totalSteps / StepsPerEpoch, StepsPerEpoch);
        return new Dictionary<string, double[]>
        {
            ["teacher_momentum"] = _momentum,
            ["teacher_temperature"] = _teacherTemperature,
            ["weight_decay"] = recipe.WeightDecaySchedule(totalSteps),
        };
    }

    public void AfterBackward(int step)
    {
        using var _ = no_grad();
        if (recipe.ClipGradient > 0)
        {
            // DINO's clip_gradients: each parameter's gradient on its own, not the global norm.
            foreach (var (_, parameter) in model.StudentParameters())
            {
                if (parameter.grad is not { } grad) continue;
                double norm = grad.norm().item<float>();
                double factor = recipe.ClipGradient / (norm + 1e-6);
                if (factor < 1)
                {
                    using var scale = factor.ToScalar();
                    grad.mul_(scale);
                }
            }
        }
        // DINO's cancel_gradients_last_layer: no gradient, so the optimiser skips the prototypes (decay included).
        if (step / StepsPerEpoch < recipe.FreezeLastLayerEpochs)
            foreach (var (name, parameter) in model.StudentParameters())
                if (name.EndsWith(DinoHead.LastLayerName, StringComparison.Ordinal)) parameter.grad = null;
    }

    public void AfterStep(int step)
    {
        model.UpdateTeacher(_momentum[step]);
        if ((step + 1) % StepsPerEpoch != 0) return;
        var signals = EpochSignals(step / StepsPerEpoch);
        Signals.Add(signals);
        if (signals.Collapse() is { } collapse)
            throw new DinoCollapseException($"DINO collapsed: {collapse}. The run stops here rather than score a teacher that says nothing; " +
                "a lower teacher temperature (dino.teacher_temperature), a higher centre momentum or a lower learning rate are the usual remedies.");
    }

    public IReadOnlyDictionary<string, double> Metrics()
    {
        if (_epoch.Count == 0) return new Dictionary<string, double>();
        var s = EpochSignals(-1);
        return new Dictionary<string, double>
        {
            ["teacher_entropy"] = s.TeacherEntropy,
            ["teacher_marginal_entropy"] = s.TeacherMarginalEntropy,
            ["kl_teacher_student"] = s.KullbackLeibler,
            ["teacher_information"] = s.Information,
        };
    }

    private DinoEpochSignals EpochSignals(int epoch) =>
        new(epoch, _epoch.Average(e => e.Entropy), _epoch.Average(e => e.Marginal), _epoch.Average(e => e.Kl), model.Config.Head.OutDim);
}

/// <summary>A DINO run whose teacher collapsed.</summary>
public sealed class DinoCollapseException(string message) : Exception(message);
