using System.Diagnostics;

namespace Agents.Testing;

/// <summary>
/// Runs a sample program (Chatbot, RagQa, Eval) from the test's build output as a user would: a separate
/// <c>dotnet</c> process, no terminal, stdin closed, stdout and stderr captured, no hosted-provider keys inherited.
/// </summary>
public static class SampleProcess
{
    /// <summary>Runs <paramref name="assemblyFileName"/> with <paramref name="args"/> and waits for it to exit.</summary>
    /// <param name="assemblyFileName">The sample's assembly beside the test's own, e.g. <c>RagQa.dll</c>.</param>
    /// <param name="workingDirectory">The current directory of the process.</param>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Variables to set (a <see langword="null"/> value removes one); none by default.</param>
    /// <param name="timeout">How long the run may take; two minutes by default.</param>
    /// <returns>The exit code and everything written to stdout and stderr.</returns>
    /// <exception cref="OperationCanceledException">The process did not exit within <paramref name="timeout"/> (it is killed).</exception>
    public static async Task<SampleRun> RunAsync(
        string assemblyFileName,
        string workingDirectory,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, assemblyFileName));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A developer's own keys must never reach a test run (nor make its outcome depend on the machine).
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("ANTHROPIC_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new SampleRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>How a sample's run ended.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Stdout">Everything written to stdout.</param>
/// <param name="Stderr">Everything written to stderr.</param>
public sealed record SampleRun(int ExitCode, string Stdout, string Stderr);
