using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace ClipMem.Common;

/// <summary>
/// Lets Plotly.NET run inside the Polyglot Notebooks kernel. Plotly.NET 6 (the only version served) is built
/// against FSharp.Core 10.1.0.0; the dotnet-interactive kernel 1.0.712001 has already loaded its own
/// FSharp.Core 10.0.0.0 (file version 10.1.326) for its F# kernel, and one load context cannot hold two
/// versions, so every Plotly.NET call failed with "Could not load FSharp.Core, Version=10.1.0.0". When, and
/// only when, the runtime cannot resolve FSharp.Core, this hands it the copy already loaded. In the CLI, the
/// tests and the headless runner the library's own FSharp.Core 10.1 loads normally and this never runs.
/// </summary>
internal static class FSharpCoreBinding
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before any Plotly.NET type is touched, from whichever entry point a host uses.")]
    internal static void Install() => AssemblyLoadContext.Default.Resolving += (context, name) =>
        name.Name == "FSharp.Core" ? context.Assemblies.FirstOrDefault(a => a.GetName().Name == "FSharp.Core") : null;
}
