namespace Agents.Bench;

/// <summary>
/// One benchmark scenario, run as <c>dotnet run -c Release --project bench/Agents.Bench -- &lt;Name&gt; --out file.json</c>.
/// Scenarios are found by reflection: add a class implementing this interface under Scenarios/.
/// </summary>
public interface IBenchmarkScenario
{
    /// <summary>The scenario's command-line name, e.g. <c>pipeline-overhead</c>.</summary>
    string Name { get; }

    /// <summary>One line saying what is measured against what.</summary>
    string Description { get; }

    /// <summary>Runs the scenario and returns its figures, serialised as the JSON result (snake_case field names).</summary>
    Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}

/// <summary>What a scenario gets from the runner.</summary>
/// <param name="Arguments">Extra command-line arguments after the scenario name (besides --out).</param>
/// <param name="WorkDirectory">A folder for generated files (models, corpora); not committed.</param>
public sealed record BenchmarkContext(IReadOnlyList<string> Arguments, string WorkDirectory)
{
    /// <summary>Writes a progress line to stderr (stdout stays for the JSON summary).</summary>
    public void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>Gets the value after <paramref name="flag"/>, or <paramref name="fallback"/>.</summary>
    public string? Option(string flag, string? fallback = null)
    {
        var i = Arguments.ToList().IndexOf(flag);
        return i >= 0 && i + 1 < Arguments.Count ? Arguments[i + 1] : fallback;
    }
}
