namespace ClipMem.Models;

/// <summary>
/// The number format of a transformer block's matrix products. Bf16: the linear layers and the two attention
/// products compute in bfloat16 (inputs and weights cast per call, master weights and optimiser state stay
/// fp32); LayerNorm, softmax, the residual stream, the embeddings, projections and the loss stay fp32, as
/// PyTorch's CPU autocast does. On a CPU with AVX512-BF16 one linear layer's forward and backward ran 3.3-3.9x
/// faster, casts included (2176 x 64 x 256 to 8320 x 512 x 128, one thread).
/// </summary>
public enum MatmulPrecision { Fp32, Bf16 }
