using System.CommandLine;
using ClipMem.Cli;
using ClipMem.Common;

// Before any tensor exists: freed activations stay mapped for the next step instead of faulting back in.
NativeAllocator.KeepFreedMemory();
// A job that reproduce (or a notebook) started stops when its parent does.
ClipMem.Experiments.Jobs.ParentWatch.StartIfChildJob(Console.Error);
return CliApp.Run(args);
