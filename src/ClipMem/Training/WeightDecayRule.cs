using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>Which parameters weight decay reaches.</summary>
public static class WeightDecayRule
{
    /// <summary>
    /// open_clip's rule (training/main.py): exempt every parameter with fewer than two dimensions, every bias,
    /// norm parameter and the logit scale; decay all the rest, the token and positional embeddings included.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> OpenClip(nn.Module model, double weightDecay)
    {
        var decay = new List<Parameter>();
        var exempt = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
            (IsExempt(name, parameter) ? exempt : decay).Add(parameter);
        return [new ParameterGroup(decay, weightDecay), new ParameterGroup(exempt, 0)];
    }

    public static bool IsExempt(string name, Tensor parameter)
    {
        string leaf = name[(name.LastIndexOf('.') + 1)..];
        return parameter.dim() < 2 || leaf == "bias" || name.Contains("logit_scale") || name.Split('.').Any(part => part.StartsWith("ln", StringComparison.Ordinal) || part.StartsWith("bn", StringComparison.Ordinal));
    }
}
