using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>The sizes of DINO's projection head (facebookresearch/dino: 3 layers, hidden 2048, bottleneck 256, 65536 prototypes).</summary>
public sealed record DinoHeadConfig(int HiddenDim, int BottleneckDim, int OutDim, int Layers = 3)
{
    public void Validate()
    {
        if (Layers < 1) throw new ArgumentException($"DINO head layers = {Layers}: allowed values are 1 or more.");
        if (HiddenDim < 1 || BottleneckDim < 1 || OutDim < 2)
            throw new ArgumentException($"DINO head dims hidden {HiddenDim}, bottleneck {BottleneckDim}, out {OutDim}: all positive, out at least 2.");
    }
}

/// <summary>
/// DINO's projection head (DINOHead in facebookresearch/dino, vision_transformer.py): an MLP of GELU layers without batch
/// norm down to a bottleneck, L2 normalisation, then a weight-normalised linear layer onto the prototypes with its gain
/// frozen at 1 (norm_last_layer = True): each prototype row is used as v / ||v||, so only its direction learns.
/// </summary>
public sealed class DinoHead : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> mlp;
    private readonly Parameter last_layer;

    public DinoHeadConfig Config { get; }

    public DinoHead(string name, int inputDim, DinoHeadConfig config) : base(name)
    {
        config.Validate();
        Config = config;
        var dims = config.Layers == 1 ? [inputDim, config.BottleneckDim]
            : new[] { inputDim }.Concat(Enumerable.Repeat(config.HiddenDim, config.Layers - 1)).Append(config.BottleneckDim).ToArray();
        mlp = new ModuleList<Linear>(dims.Zip(dims.Skip(1), (i, o) => Linear(i, o)).ToArray());
        using (no_grad())
        {
            // DINO's _init_weights: truncated normal (std 0.02, bounds +-2 absolute, so in effect untruncated), zero bias.
            foreach (var layer in mlp)
            {
                using var weight = ParameterInit.Normal(layer.weight!.shape, 0.02);
                layer.weight.copy_(weight);
                layer.bias!.zero_();
            }
        }
        // nn.Linear's own init (kaiming uniform, a = sqrt 5: U(-1/sqrt(in), 1/sqrt(in))), as DINO's weight-normed layer keeps it.
        using var uniform = rand(config.OutDim, config.BottleneckDim);
        using var centred = uniform.sub(TorchScalars.Half);
        using var width = (2.0 / Math.Sqrt(config.BottleneckDim)).ToScalar();
        last_layer = Parameter(centred.mul(width));
        RegisterComponents();
    }

    /// <summary>The prototype layer's name among the parameters (DINO freezes it for the first epoch).</summary>
    public const string LastLayerName = "last_layer";

    public Parameter LastLayer => last_layer;

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var x = features;
        for (int i = 0; i < mlp.Count; i++)
        {
            x = mlp[i].forward(x);
            if (i < mlp.Count - 1) x = functional.gelu(x);
        }
        x = functional.normalize(x, p: 2, dim: -1);
        var prototypes = functional.normalize(last_layer, p: 2, dim: 1);
        return x.matmul(prototypes.t()).MoveToOuterDisposeScope();
    }
}
