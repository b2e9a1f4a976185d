namespace Agents.Samples.Chatbot;

/// <summary>
/// Finds the local model: --model, else $AGENTS_MODEL, else <c>Agents:Llama:ModelPath</c> from the configuration, else
/// the shared test model beside the repository (../shared/models/llama-2-tiny-random.gguf from the repository root), so
/// the quick start needs no flag.
/// </summary>
public static class ModelLocator
{
    public const string EnvironmentVariable = "AGENTS_MODEL";
    private const string TestModelRelativePath = "../shared/models/llama-2-tiny-random.gguf";

    public static string Resolve(string? model, string? configuredPath = null)
    {
        var explicitPath = model ?? Environment.GetEnvironmentVariable(EnvironmentVariable) ?? configuredPath;
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var full = Path.GetFullPath(explicitPath);
            if (Directory.Exists(full))
            {
                throw new UsageException($"model path '{full}' is a directory, not a GGUF file.");
            }

            return File.Exists(full) ? full : throw new UsageException($"model file not found: '{full}'.");
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            var root = FindRepositoryRoot(start);
            var candidate = root is null ? null : Path.GetFullPath(Path.Combine(root, TestModelRelativePath));
            if (candidate is not null && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new UsageException($"no model given: pass --model <path.gguf>, set {EnvironmentVariable} or Agents:Llama:ModelPath in appsettings.json.");
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Agents.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
