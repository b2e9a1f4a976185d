using System.Runtime.InteropServices;
using System.Text.Json;
using Agents.Bench;

var scenarios = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToDictionary(s => s.Name, StringComparer.Ordinal);

if (args.Length == 0 || args[0] is "-h" or "--help" || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine("usage: Agents.Bench <scenario> [--out <file.json>] [scenario options]");
    foreach (var s in scenarios.Values)
    {
        Console.Error.WriteLine($"  {s.Name,-20} {s.Description}");
    }

    return args.Length == 0 || args[0] is "-h" or "--help" ? 0 : 2;
}

var rest = args.Skip(1).ToList();
string? outPath = null;
var outIndex = rest.IndexOf("--out");
if (outIndex >= 0)
{
    if (outIndex + 1 >= rest.Count)
    {
        Console.Error.WriteLine("--out needs a file path.");
        return 2;
    }

    outPath = rest[outIndex + 1];
    rest.RemoveRange(outIndex, 2);
}

var workDirectory = Path.Combine(AppContext.BaseDirectory, "bench-work");
Directory.CreateDirectory(workDirectory);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

var figures = await scenario.RunAsync(new BenchmarkContext(rest, workDirectory), cts.Token);
var result = new Dictionary<string, object?>(StringComparer.Ordinal)
{
    ["scenario"] = scenario.Name,
    ["timestamp_utc"] = DateTime.UtcNow.ToString("O"),
    ["machine"] = new Dictionary<string, object?>
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["cpu_count"] = Environment.ProcessorCount,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["cpu_model"] = CpuModel(),
    },
};
foreach (var (key, value) in figures)
{
    result[key] = value;
}

var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
Console.WriteLine(json);
if (outPath is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
    await File.WriteAllTextAsync(outPath, json + Environment.NewLine);
}

return 0;

static string? CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
    }
    catch (IOException)
    {
        return null;
    }
}

internal sealed partial class Program;
