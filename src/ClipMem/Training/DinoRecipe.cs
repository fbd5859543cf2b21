namespace ClipMem.Training;

/// <summary>
/// DINO's recipe beyond the shared optimiser settings (facebookresearch/dino, main_dino.py defaults unless said):
/// multi-crop sizes, temperatures, the teacher's momentum, the centre's momentum, the weight-decay schedule, gradient
/// clipping and the epochs the prototype layer stays frozen.
/// <para>
/// Deviations, each for the scale of 2 CPU cores: the teacher temperature is main_dino.py's bare default, 0.04 throughout,
/// not the README's warm-up from 0.04 to 0.07 over 30 of 100 epochs for ViT-S/16. At init the shared ViT's class-token
/// features are nearly alike across images (mean pairwise cosine 0.976 at the tiny size, 0.964 at quick: its ln_pre
/// normalises the constant class token into the residual stream), so the centred teacher carries little about its input
/// (0.26 nats at 0.04, 0.10 at 0.07, tiny); warming up to 0.07 then flattened the teacher into uniform collapse by epoch
/// 2-4 of 12 (0.05 nats of ln 256), while 0.04 throughout held about 0.16 nats and never collapsed (tiny, seed 0). The
/// warm-up stays available through <paramref name="TeacherTemperature"/> and
/// <paramref name="TeacherTemperatureWarmupFraction"/>. The learning rate, its warm-up and the epochs are the preset's
/// (DINO's 5e-4 x batch/256 with 10 warm-up epochs of 100 suits ViT-S on ImageNet, not a width-64 ViT seeing a few
/// thousand images for a few dozen epochs); the cosine ends at 0, not at min_lr 1e-6; no stochastic depth (the shared
/// ViT has none; DINO's ViT-S uses 0.1).
/// </para>
/// </summary>
/// <param name="LocalCrops">Local crops per image (DINO: 8).</param>
/// <param name="GlobalCropScaleMin">Global crops cover this share of the image or more (DINO: 0.4 to 1).</param>
/// <param name="LocalCropScaleMax">Local crops cover 0.05 up to this share (DINO: 0.05 to 0.4).</param>
/// <param name="StudentTemperature">DINO: 0.1.</param>
/// <param name="WarmupTeacherTemperature">The teacher's temperature at the start (DINO: 0.04).</param>
/// <param name="TeacherTemperature">The teacher's temperature after the warm-up (here 0.04, so no warm-up; DINO's README: 0.07 for ViT-S/16).</param>
/// <param name="TeacherTemperatureWarmupFraction">The share of epochs over which the teacher temperature rises linearly (DINO's README: 0.3).</param>
/// <param name="TeacherMomentum">The EMA momentum at the start; it rises to 1 on a cosine (DINO: 0.996).</param>
/// <param name="CenterMomentum">DINO: 0.9.</param>
/// <param name="WeightDecay">The weight decay at the start (DINO: 0.04); it replaces the preset recipe's.</param>
/// <param name="WeightDecayEnd">The weight decay rises on a cosine from <paramref name="WeightDecay"/> to this (DINO: 0.4).</param>
/// <param name="ClipGradient">Each parameter's gradient norm is clipped to this (DINO: 3.0; 0 = off).</param>
/// <param name="FreezeLastLayerEpochs">The prototype layer gets no update for this many epochs (DINO: 1).</param>
public sealed record DinoRecipe(
    int LocalCrops = 8,
    double GlobalCropScaleMin = 0.4,
    double LocalCropScaleMin = 0.05,
    double LocalCropScaleMax = 0.4,
    double StudentTemperature = 0.1,
    double WarmupTeacherTemperature = 0.04,
    double TeacherTemperature = 0.04,
    double TeacherTemperatureWarmupFraction = 0.3,
    double TeacherMomentum = 0.996,
    double CenterMomentum = 0.9,
    double WeightDecay = 0.04,
    double WeightDecayEnd = 0.4,
    double ClipGradient = 3.0,
    int FreezeLastLayerEpochs = 1)
{
    public const int GlobalCrops = 2;

    public static DinoRecipe Default { get; } = new();

    /// <summary>DINO's AdamW: torch's defaults (betas 0.9/0.999, eps 1e-8), not OpenCLIP's.</summary>
    public TrainingOptions Optimiser(TrainingOptions recipe) => recipe with { Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightDecay = WeightDecay };

    public void Validate()
    {
        if (LocalCrops < 0) throw new ArgumentException($"dino.local_crops = {LocalCrops}: allowed values are 0 or more.");
        if (GlobalCropScaleMin is <= 0 or > 1) throw new ArgumentException($"dino.global_crop_scale_min = {GlobalCropScaleMin}: allowed values are 0 < s <= 1.");
        if (LocalCropScaleMin <= 0 || LocalCropScaleMax > 1 || LocalCropScaleMin > LocalCropScaleMax)
            throw new ArgumentException($"dino.local_crop_scale_min/max = {LocalCropScaleMin}/{LocalCropScaleMax}: allowed values are 0 < min <= max <= 1.");
        foreach (var (name, t) in new[] { ("student_temperature", StudentTemperature), ("warmup_teacher_temperature", WarmupTeacherTemperature), ("teacher_temperature", TeacherTemperature) })
            if (t <= 0) throw new ArgumentException($"dino.{name} = {t}: allowed values are positive.");
        if (TeacherTemperatureWarmupFraction is < 0 or > 1) throw new ArgumentException($"dino.teacher_temperature_warmup_fraction = {TeacherTemperatureWarmupFraction}: allowed values are 0..1.");
        if (TeacherMomentum is < 0 or > 1) throw new ArgumentException($"dino.teacher_momentum = {TeacherMomentum}: allowed values are 0..1.");
        if (CenterMomentum is < 0 or > 1) throw new ArgumentException($"dino.center_momentum = {CenterMomentum}: allowed values are 0..1.");
        if (WeightDecay < 0 || WeightDecayEnd < 0) throw new ArgumentException($"dino.weight_decay/_end = {WeightDecay}/{WeightDecayEnd}: allowed values are 0 or more.");
        if (ClipGradient < 0) throw new ArgumentException($"dino.clip_gradient = {ClipGradient}: allowed values are 0 (off) or more.");
        if (FreezeLastLayerEpochs < 0) throw new ArgumentException($"dino.freeze_last_layer_epochs = {FreezeLastLayerEpochs}: allowed values are 0 or more.");
    }

    /// <summary>The teacher's EMA momentum per step: a cosine from <see cref="TeacherMomentum"/> up to 1 (utils.cosine_scheduler).</summary>
    public double[] MomentumSchedule(int totalSteps) => Cosine(TeacherMomentum, 1.0, totalSteps);

    /// <summary>The weight decay per step: a cosine from the start value to <see cref="WeightDecayEnd"/>.</summary>
    public double[] WeightDecaySchedule(int totalSteps) => Cosine(WeightDecay, WeightDecayEnd, totalSteps);

    /// <summary>
    /// The teacher temperature per step, constant within an epoch as DINO sets it per epoch: linear from the warm-up value
    /// over the warm-up epochs (np.linspace, both ends included), then the final value.
    /// </summary>
    public double[] TeacherTemperatureSchedule(int epochs, int stepsPerEpoch)
    {
        int warmup = (int)Math.Round(TeacherTemperatureWarmupFraction * epochs);
        var perEpoch = Enumerable.Range(0, epochs).Select(e => e >= warmup ? TeacherTemperature
            : warmup == 1 ? WarmupTeacherTemperature
            : WarmupTeacherTemperature + (TeacherTemperature - WarmupTeacherTemperature) * e / (warmup - 1)).ToArray();
        return perEpoch.SelectMany(t => Enumerable.Repeat(t, stepsPerEpoch)).ToArray();
    }

    /// <summary>DINO's cosine_scheduler without warm-up: end + (start - end) (1 + cos(pi i / n)) / 2.</summary>
    public static double[] Cosine(double start, double end, int steps) =>
        Enumerable.Range(0, steps).Select(i => end + 0.5 * (start - end) * (1 + Math.Cos(Math.PI * i / steps))).ToArray();
}
