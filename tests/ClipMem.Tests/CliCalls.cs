using ClipMem.Cli;

namespace ClipMem.Tests;

/// <summary>The clipmem command run in-process, as the tests of its contract call it.</summary>
public static class CliCalls
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
