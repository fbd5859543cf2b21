using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ClipMem.Tests.Diagnostics;

/// <summary>
/// The workbench's part of the rule that ended the crashes (see ClipMem.Diagnostics.NativeLifetimeStress):
/// no Scalar may exist only as an undisposed temporary. The compiler bans the implicit conversions to
/// Scalar (environment/BannedSymbols.txt); this test reads the compiled IL and finds the temporaries the
/// compiler cannot see, those TorchSharp makes inside its own methods (<c>square()</c> is <c>pow(2)</c>,
/// <c>add(t)</c> is <c>add(t, 1)</c>), and fails if the workbench calls any of them.
/// </summary>
public sealed class NativeLifetimeRulesTests
{
    private static readonly string[] WorkbenchAssemblies = ["ClipMem.dll", "ClipMem.Cli.dll", "ClipMem.Interactive.dll"];

    [Fact]
    public void TorchSharpMethodsThatMakeTemporaryScalarsAreFound()
    {
        var unsafeMethods = ScalarTemporaryMakers();
        // Known from TorchSharp's source: square() => pow(2); add(Tensor) => add(target, 1); a + b => a.add(b).
        Assert.Contains("TorchSharp.torch/Tensor::square()", unsafeMethods);
        Assert.Contains("TorchSharp.torch/Tensor::add(TorchSharp.torch/Tensor)", unsafeMethods);
        Assert.Contains("TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor,TorchSharp.torch/Tensor)", unsafeMethods);
        // A method that takes its Scalar from the caller makes none.
        Assert.DoesNotContain("TorchSharp.torch/Tensor::pow(TorchSharp.Scalar)", unsafeMethods);
    }

    [Fact]
    public void TheWorkbenchCallsNoMethodThatMakesATemporaryScalar()
    {
        var unsafeMethods = ScalarTemporaryMakers();
        var offences = new List<string>();
        foreach (var assembly in WorkbenchAssemblies)
        {
            using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, assembly));
            foreach (var (caller, callee) in Calls(module))
            {
                // The stress test's positive control runs the old patterns on purpose.
                if (caller.DeclaringType.FullName == "ClipMem.Diagnostics.NativeLifetimeStress/OldPatterns") continue;
                string name = Name(callee);
                if (unsafeMethods.Contains(name)) offences.Add($"{Name(caller)} calls {name}");
                else if (IsScalarConversion(callee) && !DisposesAScalar(caller) && !caller.IsConstructor)
                    offences.Add($"{Name(caller)} converts to Scalar and never disposes it ({name})");
            }
        }
        Assert.True(offences.Count == 0, "Temporary Scalars a finalizer can free while libtorch reads them:\n" + string.Join("\n", offences.Distinct()));
    }

    /// <summary>
    /// TorchSharp methods that create a Scalar and never dispose it, and, transitively, the methods that
    /// call them: each leaves a Scalar that only its native handle keeps in use.
    /// </summary>
    private static HashSet<string> ScalarTemporaryMakers()
    {
        using var torchSharp = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll"));
        var calls = Calls(torchSharp).ToList();
        var makers = calls.Where(c => IsScalarConversion(c.Callee) && !DisposesAScalar(c.Caller))
            .Select(c => Name(c.Caller)).ToHashSet();
        var callersOf = calls.GroupBy(c => Name(c.Callee)).ToDictionary(g => g.Key, g => g.Select(c => Name(c.Caller)).ToList());
        var pending = new Queue<string>(makers);
        while (pending.TryDequeue(out var maker))
            foreach (var caller in callersOf.GetValueOrDefault(maker) ?? [])
                if (makers.Add(caller)) pending.Enqueue(caller);
        return makers;
    }

    private static IEnumerable<(MethodDefinition Caller, MethodReference Callee)> Calls(ModuleDefinition module) =>
        from type in module.GetTypes()
        from method in type.Methods
        where method.HasBody
        from instruction in method.Body.Instructions
        where instruction.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj && instruction.Operand is MethodReference
        select (method, (MethodReference)instruction.Operand);

    private static bool IsScalarConversion(MethodReference method) =>
        method.ReturnType.FullName == "TorchSharp.Scalar" &&
        (method.Name == "op_Implicit" || method.Name == "ToScalar") &&
        method.DeclaringType.FullName is "TorchSharp.Scalar" or "TorchSharp.ScalarExtensionMethods";

    // `using var s = x.ToScalar();`: a Scalar local, disposed in the method (the call goes through IDisposable).
    private static bool DisposesAScalar(MethodDefinition method) =>
        method.Body.Variables.Any(v => v.VariableType.FullName == "TorchSharp.Scalar") &&
        method.Body.Instructions.Any(i => i.Operand is MethodReference { Name: "Dispose" } m &&
            m.DeclaringType.FullName is "TorchSharp.Scalar" or "System.IDisposable");

    // Declaring type, name and parameter types: overloads stay apart, generic instances fold together.
    private static string Name(MethodReference method) =>
        $"{method.DeclaringType.GetElementType().FullName}::{method.Name}({string.Join(",", method.Parameters.Select(p => p.ParameterType.GetElementType().FullName))})";
}
