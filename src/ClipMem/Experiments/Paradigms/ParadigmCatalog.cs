namespace ClipMem.Experiments.Paradigms;

/// <summary>The paradigms a run's config can name. A new paradigm adds one line here and its own files; no orchestration changes.</summary>
public static class ParadigmCatalog
{
    private static readonly Dictionary<string, Func<IParadigm>> Known = new(StringComparer.Ordinal)
    {
        [ClipParadigm.ParadigmName] = () => new ClipParadigm(),
        [SupervisedParadigm.ParadigmName] = () => new SupervisedParadigm(),
        [DinoParadigm.ParadigmName] = () => new DinoParadigm(),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static IParadigm Create(string name) =>
        Known.TryGetValue(name, out var create) ? create()
            : throw new ArgumentException($"paradigm = {name}: allowed values are {string.Join(", ", Known.Keys)}.");
}
