using ClipMem.Common;

namespace ClipMem.Tests.Training;

public class NativeAllocatorTests
{
    [Fact]
    public void GlibcAcceptsTheThresholdsAndAskingTwiceIsHarmless()
    {
        // Linux here means glibc (Debian); elsewhere the call is a no-op that says so.
        Assert.Equal(OperatingSystem.IsLinux(), NativeAllocator.KeepFreedMemory());
        Assert.Equal(OperatingSystem.IsLinux(), NativeAllocator.KeepFreedMemory());
    }
}
