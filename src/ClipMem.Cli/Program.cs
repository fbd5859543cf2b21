using System.CommandLine;
using ClipMem.Cli;
using ClipMem.Common;

// Before any tensor exists: freed activations stay mapped for the next step instead of faulting back in.
NativeAllocator.KeepFreedMemory();
return CliApp.Run(args);
