namespace ClipMem.Models;

/// <summary>
/// The number format of a transformer block's matrix products. Bf16: the linear layers and the two attention
/// products compute in bfloat16 (inputs and weights cast per call, master weights and optimiser state stay
/// fp32); LayerNorm, softmax, the residual stream, the embeddings, projections and the loss stay fp32, as
/// PyTorch's CPU autocast does. On a CPU with AVX512-BF16 one linear layer's forward and backward ran 3.3-3.9x
/// faster, casts included (2176 x 64 x 256 to 8320 x 512 x 128, one thread).
/// </summary>
public enum MatmulPrecision { Fp32, Bf16 }

/// <summary>What `--precision` asks for, phase by phase: the recipe's (training) and the scoring's.</summary>
public static class PrecisionChoice
{
    /// <summary>
    /// fp32 and bf16 set both phases. auto picks bf16 for both wherever the hardware computes it (a CPU with AVX512-BF16
    /// or AMX; CUDA, whose matrix units are built for it) and fp32 elsewhere. Measured on a 2-core EPYC with AVX512-BF16
    /// (`clipmem bench`, the quick main job over 3 seeds): training 1.4-2.2x faster, scoring 1.4-2.4x (the job's embedding
    /// phase 17.6 s against 20.4 s on the same weights), the clean-pair gaps within each other's CIs on every seed and
    /// S_C - S_I on 2 of 3, and bf16 scoring of the same weights agreeing with fp32 scoring to a per-sample Spearman of
    /// 0.9998. CUDA is not measured here (no GPU).
    /// </summary>
    public static (MatmulPrecision Training, MatmulPrecision Scoring) For(string value, string device, bool cpuHasBf16) => value switch
    {
        "fp32" => (MatmulPrecision.Fp32, MatmulPrecision.Fp32),
        "bf16" => (MatmulPrecision.Bf16, MatmulPrecision.Bf16),
        "auto" when device == "cuda" || cpuHasBf16 => (MatmulPrecision.Bf16, MatmulPrecision.Bf16),
        "auto" => (MatmulPrecision.Fp32, MatmulPrecision.Fp32),
        _ => throw new ArgumentException($"--precision {value}: allowed values are fp32, bf16 and auto."),
    };
}
