using System.Text;

namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>
/// The scripts of one submission, meant to be read and edited by a person: stage-K.sbatch (an array, one task per
/// job of stage K, the job ids in stage-K.jobs) and submit.sh, which submits the stages in order, each waiting for
/// the one before (afterok; --kill-on-invalid-dep so a failed stage cancels what waits for it instead of leaving it
/// pending forever). `clipmem slurm submit` runs submit.sh itself and reads the ids it prints.
/// </summary>
public static class SlurmScripts
{
    public static string StageScript(ExperimentPlan plan, string planRoot, int stage, int stageCount, IReadOnlyList<PlannedJob> jobs, string jobsFile,
        string logFolder, SlurmOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        string experiment = plan.Experiment;
        text.AppendLine($"# Stage {stage} of {stageCount} of the {experiment} plan in {planRoot}:");
        text.AppendLine($"# {jobs.Count} job(s) ({string.Join(", ", jobs.Select(j => j.Kind).Distinct())}), one array task each; task k runs line k + 1 of {Path.GetFileName(jobsFile)}.");
        text.AppendLine("# Written by `clipmem slurm submit`; edit it freely (resources, modules), submit.sh submits it.");
        foreach (var line in options.Directives($"clipmem-{experiment}-s{stage}", jobs.Count, jobs.Max(j => plan.Runtime.For(j).Threads), Path.Combine(logFolder, $"stage-{stage}-%a.out"))) text.AppendLine(line);
        text.AppendLine("set -uo pipefail");
        text.AppendLine($"plan_root={Quote(planRoot)}");
        text.AppendLine($"job_id=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Quote(jobsFile)})");
        text.AppendLine("# A job killed by a signal (a crash) is tried once more and resumes from its last checkpoint; an error exit");
        text.AppendLine("# is not: the same input gives the same error. A job already done exits at once.");
        text.AppendLine("for attempt in 1 2; do");
        text.AppendLine($"  {options.Command} run-job \"$plan_root\" \"$job_id\"");
        text.AppendLine("  code=$?");
        text.AppendLine("  if [ \"$code\" -le 128 ]; then exit \"$code\"; fi");
        text.AppendLine("  echo \"job $job_id: attempt $attempt killed by signal $((code - 128))\" >&2");
        text.AppendLine("done");
        text.AppendLine("exit \"$code\"");
        return text.ToString();
    }

    /// <summary>Submits the stage scripts in order, each after the previous one; prints "stage-K SLURM_ID" per stage.</summary>
    public static string SubmitScript(IReadOnlyList<(int Stage, string Script)> stages)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine("# Submits the plan's unfinished jobs: one array per stage, each waiting for the one before it to succeed.");
        text.AppendLine("# Written by `clipmem slurm submit`, which runs it; it can be run again by hand (bash submit.sh).");
        text.AppendLine("set -euo pipefail");
        text.AppendLine("cd \"$(dirname \"$0\")\"");
        string? previous = null;
        foreach (var (stage, script) in stages)
        {
            string dependency = previous is null ? "" : $" --dependency=afterok:${previous} --kill-on-invalid-dep=yes";
            string variable = $"s{stage}";
            text.AppendLine($"{variable}=$(sbatch --parsable{dependency} {Quote(Path.GetFileName(script))})");
            // --parsable prints "id" or "id;cluster".
            text.AppendLine($"{variable}=${{{variable}%%;*}}");
            text.AppendLine($"echo \"stage-{stage} ${variable}\"");
            previous = variable;
        }
        return text.ToString();
    }

    /// <summary>A single-quoted shell word.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
