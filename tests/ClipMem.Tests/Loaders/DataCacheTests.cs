using ClipMem.Data.Loaders;

namespace ClipMem.Tests.Loaders;

public class DataCacheTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ExplicitCacheVariableWins()
    {
        var root = DataCache.ResolveRoot(Environment(("CLIPMEM_CACHE", "/data/cm"), ("XDG_CACHE_HOME", "/x"), ("HOME", "/srv/someone")));
        Assert.Equal("/data/cm", root);
    }

    [Fact]
    public void XdgCacheHomeComesNext()
    {
        var root = DataCache.ResolveRoot(Environment(("CLIPMEM_CACHE", ""), ("XDG_CACHE_HOME", "/x"), ("HOME", "/srv/someone")));
        Assert.Equal("/x/clipmem", root);
    }

    [Fact]
    public void FallsBackToTheHomeCacheFolder()
    {
        Assert.Equal("/srv/someone/.cache/clipmem", DataCache.ResolveRoot(Environment(("HOME", "/srv/someone"))));
        Assert.Equal("/srv/someone/.cache/clipmem/datasets", DataCache.DatasetsFolder("/srv/someone/.cache/clipmem"));
    }
}
