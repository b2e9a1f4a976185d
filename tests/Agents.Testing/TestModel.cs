namespace Agents.Testing;

/// <summary>
/// Finds the small real GGUF model the tests run on: the file named by the <c>AGENTS_TEST_MODEL</c> environment
/// variable, or else <c>../shared/models/llama-2-tiny-random.gguf</c> beside the repository. A missing file fails
/// the test loudly; tests never skip for want of a model.
/// </summary>
public static class TestModel
{
    /// <summary>The environment variable that overrides the model's path.</summary>
    public const string EnvironmentVariable = "AGENTS_TEST_MODEL";

    private const string DefaultFileName = "llama-2-tiny-random.gguf";

    /// <summary>Gets the full path of the test model, or throws naming every place looked at.</summary>
    /// <exception cref="FileNotFoundException">The model is nowhere to be found.</exception>
    public static string Path => s_path.Value;

    private static readonly Lazy<string> s_path = new(Locate);

    private static IEnumerable<string> StartDirectories()
    {
        var repositoryRoot = typeof(TestModel).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (repositoryRoot is not null)
        {
            yield return repositoryRoot;
        }

        yield return AppContext.BaseDirectory;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? System.IO.Path.GetFullPath(fromEnvironment)
                : throw new FileNotFoundException(
                    $"{EnvironmentVariable} names '{fromEnvironment}', which does not exist.", fromEnvironment);
        }

        var tried = new List<string>();
        foreach (var start in StartDirectories())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared", "models", DefaultFileName);
                tried.Add(candidate);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"The test model '{DefaultFileName}' was not found. Set {EnvironmentVariable} to its path, or place the "
            + $"shared/ folder beside the repository. Looked at: {string.Join(", ", tried)}");
    }
}
