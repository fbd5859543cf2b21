namespace ClipMem.Training;

/// <summary>
/// Linear warm-up then cosine decay to zero, precomputed for every step (DINO's cosine_scheduler,
/// open_clip's cosine_lr): the trainer looks the rate up, so a resumed run uses exactly the same rates.
/// </summary>
public static class LearningRateSchedule
{
    public static double[] WarmupCosine(double baseRate, int totalSteps, int warmupSteps)
    {
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "must be positive");
        warmupSteps = Math.Clamp(warmupSteps, 0, totalSteps);
        var rates = new double[totalSteps];
        for (int step = 0; step < totalSteps; step++)
        {
            if (step < warmupSteps)
                rates[step] = baseRate * (step + 1) / warmupSteps;
            else
            {
                double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
                rates[step] = 0.5 * (1 + Math.Cos(Math.PI * progress)) * baseRate;
            }
        }
        return rates;
    }
}
