using ClipMem.Reporting;
using System.CommandLine;
using ClipMem.Experiments;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Scheduling;

namespace ClipMem.Cli;

/// <summary>
/// One command per job of a run: `prepare` creates the run directory (config, splits, tokenizer), `train`
/// trains one model, `score` embeds and scores every split with f and g, `evaluate` measures utility and
/// writes the summary and report. Run in this order they give the scores `reproduce` gives; each is a
/// no-op when its artefacts are complete and resumes when they are not, so a scheduler can run them.
/// </summary>
public static class JobCommands
{
    public static IEnumerable<Command> Create(TextWriter output)
    {
        yield return Prepare(output);
        yield return Train(output);
        yield return Score(output);
        yield return Evaluate(output);
    }

    private static Command Prepare(TextWriter output)
    {
        var options = new ExperimentOptions();
        var command = new Command("prepare", "Create a run directory: resolved config, splits, injected mis-captions, memberships and the tokenizer. The jobs train, score and evaluate then run on it.");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (config, runtime, root) = options.Read(parse);
            var run = RunDirectory.Open(root, config, runtime);
            RunSteps.Prepare(run, config, runtime, output);
            output.WriteLine($"prepared {run.Root} (config {run.ConfigHash}); next: clipmem train {run.Root} --model f, the same for g, then score and evaluate");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Train(TextWriter output)
    {
        var (runDir, threads, device) = (RunArgument(), Threads(1), Device());
        var model = new Option<string>("--model") { Description = "Which model: f (S_S + S_C) or g (S_S + S_I).", Required = true };
        model.AcceptOnlyFromAmong([.. ClipMemExperiment.ModelNames]);
        var command = new Command("train", "Train one model of a run, resuming from its last checkpoint (a finished model is left as it is). One model per process.")
        {
            runDir, model, threads, device,
        };
        command.SetAction(parse =>
        {
            var runtime = new RuntimeOptions(parse.GetValue(device)!, parse.GetValue(threads));
            // Progress goes to standard output as lines the parent process (reproduce, a notebook) reads back.
            RunSteps.Train(parse.GetValue(runDir)!, parse.GetValue(model)!, runtime, output, p => output.WriteLine(ProgressLine.Format(p)));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Score(TextWriter output) => StepCommand("score",
        "Embed every split with the run's trained f and g and write scores.csv and scores.parquet (CLIPMem per sample).",
        (root, runtime) =>
        {
            var rows = RunSteps.Score(root, runtime, output);
            output.WriteLine($"scored {rows.Count} samples; wrote {Path.Combine(root, "scores.csv")}");
        }, output);

    private static Command Evaluate(TextWriter output) => StepCommand("evaluate",
        "Measure f's utility and write summary.json and report.html from the run's scores.",
        (root, runtime) => output.Write(SummaryView.ToText(RunSteps.Evaluate(root, runtime, output))), output);

    /// <summary>A job on a run whose f and g are trained (<see cref="RunSteps"/> loads them).</summary>
    private static Command StepCommand(string name, string description, Action<string, RuntimeOptions> act, TextWriter output)
    {
        var (runDir, threads, device) = (RunArgument(), Threads(2), Device());
        var command = new Command(name, description) { runDir, threads, device };
        command.SetAction(parse =>
        {
            act(parse.GetValue(runDir)!, new RuntimeOptions(parse.GetValue(device)!, parse.GetValue(threads)));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Argument<string> RunArgument() => new("run-directory") { Description = "The run directory (created by `clipmem prepare` or `clipmem reproduce`)." };

    private static Option<int> Threads(int defaultThreads) => new("--threads") { Description = "Torch threads for this job.", DefaultValueFactory = _ => defaultThreads };

    internal static Option<string> Device()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        return device;
    }
}

/// <summary>
/// The options that define an experiment, shared by `reproduce` and `prepare`: a preset or a config file to
/// start from, and the flags that override single fields of it. A flag not given leaves the field as it is.
/// </summary>
public sealed class ExperimentOptions
{
    private readonly Option<string?> _preset = new("--preset") { Description = "tiny (seconds), quick (the default, minutes on 2 cores) or paper (the study's sizes; needs a GPU)." };
    private readonly Option<string?> _config = new("--config") { Description = "A JSON experiment config to start from instead of a preset (`clipmem config --preset quick` prints one)." };
    private readonly Option<string> _dataset = CommonOptions.Dataset();
    private readonly Option<string?> _dataPath = CommonOptions.DataPath();
    private readonly Option<ulong> _seed = CommonOptions.Seed();
    private readonly Option<string?> _out = new("--out") { Description = "Run directory (default: runs/<preset>-<dataset>-seed<seed>-<config hash>). Re-running reuses what it holds." };

    /// <summary>Where the command writes; a study reads it as its folder rather than a run directory.</summary>
    public Option<string?> Out => _out;
    private readonly Option<string> _device = JobCommands.Device();
    private readonly Option<int> _threads = new("--threads") { Description = "Torch threads in total.", DefaultValueFactory = _ => 2 };
    private readonly Option<bool> _sequential = new("--sequential") { Description = "Train f then g with all threads, instead of both at once with one thread each." };
    private readonly Option<double?> _noise = new("--text-noise") { Description = "Mitigation: Gaussian noise of this sigma on the text embeddings during training (0 = off)." };
    private readonly Option<bool> _independentOrder = new("--independent-batch-order") { Description = "Shuffle f's and g's memberships independently instead of sharing the S_S batch order (common random numbers)." };
    private readonly Option<int?> _captions = new("--captions-per-image") { Description = "Captions of each image used for training (and scoring): 1 (the study's baseline) to 5 (its multi-caption mitigation)." };
    private readonly Option<int?> _scoringCaptions = new("--scoring-captions-per-image") { Description = "Captions of each image CLIPMem averages over (default: the ones trained on)." };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Training epochs (the recipe's; default: the preset's)." };
    private readonly Option<string?> _precision = new("--precision")
    {
        Description = "Matrix products of the transformer blocks: fp32 (default), bf16 (fp32 master weights, norms, softmax and loss; needs AVX512-BF16 or AMX on a CPU) " +
                      "or auto (bf16 for training and scoring where the hardware computes it: a CPU with AVX512-BF16 or AMX, or CUDA; else fp32). " +
                      "Part of the config (recipe.precision, scoring.precision), so each precision has its own run directory.",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _preset, _config, _dataset, _dataPath, _seed, _out, _device, _threads, _sequential, _noise, _captions, _scoringCaptions, _epochs, _precision, _independentOrder })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (result.GetValue(_preset) is not null && result.GetValue(_config) is not null)
                result.AddError("--preset and --config both name a starting point: give one.");
        });
    }

    public (ExperimentConfig Config, RuntimeOptions Runtime, string Root) Read(ParseResult parse)
    {
        var config = parse.GetValue(_config) is { } file ? ExperimentConfigFile.Read(file) : ExperimentPreset.Named(parse.GetValue(_preset) ?? "quick");
        var data = config.Data;
        if (Given(parse, _dataset)) data = data with { Dataset = parse.GetValue(_dataset)! };
        if (Given(parse, _dataPath)) data = data with { DataPath = parse.GetValue(_dataPath) };
        if (parse.GetValue(_captions) is { } captions) data = data with { CaptionsPerImage = captions };
        if (parse.GetValue(_scoringCaptions) is { } scored) data = data with { ScoringCaptionsPerImage = scored };
        if (parse.GetValue(_independentOrder)) data = data with { SharedBatchOrder = false };
        config = config with { Data = data };
        if (Given(parse, _seed)) config = config with { Seed = parse.GetValue(_seed) };
        if (parse.GetValue(_epochs) is { } epochs) config = config.WithEpochs(epochs);
        if (parse.GetValue(_precision) is { } precision)
        {
            var (training, scoring) = ClipMem.Models.PrecisionChoice.For(precision, parse.GetValue(_device)!, ClipMem.Common.MachineInfo.HasBf16);
            config = config with { Recipe = config.Recipe with { Precision = training }, Scoring = config.Scoring with { Precision = scoring } };
        }
        if (parse.GetValue(_noise) is { } sigma) config = config.With(sigma == 0 ? null : new ClipMem.Experiments.Mitigations.TextEmbeddingNoise(sigma));
        var runtime = new RuntimeOptions(parse.GetValue(_device)!, parse.GetValue(_threads), !parse.GetValue(_sequential));
        if ((config.Recipe.Precision == ClipMem.Models.MatmulPrecision.Bf16 || config.Scoring.Precision == ClipMem.Models.MatmulPrecision.Bf16)
            && runtime.Device == "cpu" && !ClipMem.Common.MachineInfo.HasBf16)
            throw new ArgumentException($"bf16 was asked for, but this CPU ({ClipMem.Common.MachineInfo.Describe()}) has no AVX512-BF16 or AMX: its bf16 products are emulated and far slower than fp32. Use --precision fp32.");
        return (config, runtime, parse.GetValue(_out) ?? RunDirectory.DefaultPath(config));
    }

    private static bool Given<T>(ParseResult parse, Option<T> option) => parse.GetResult(option) is { Implicit: false };
}

/// <summary>`clipmem config`: prints a preset's full config as JSON, the file `--config` reads.</summary>
public static class ConfigCommand
{
    public static Command Create(TextWriter output)
    {
        var preset = new Option<string>("--preset") { Description = "The preset to print.", DefaultValueFactory = _ => "quick" };
        preset.AcceptOnlyFromAmong([.. ExperimentPreset.All.Select(p => p.Preset)]);
        var command = new Command("config", "Print a preset's experiment config as JSON: every section and field, to edit and pass back with --config.") { preset };
        command.SetAction(parse =>
        {
            output.WriteLine(ExperimentConfigFile.Serialize(ExperimentPreset.Named(parse.GetValue(preset)!)));
            return CliApp.ExitOk;
        });
        return command;
    }
}
