using System.Globalization;

namespace Agents.Samples.RagQa;

/// <summary>
/// A parsed command line: the command, its one positional argument and its options. Each command accepts a fixed
/// set of options; anything else is a <see cref="UsageException"/>.
/// </summary>
internal sealed class ParsedCommand
{
    private static readonly Dictionary<string, string[]> AllowedOptions = new(StringComparer.Ordinal)
    {
        ["ingest"] = ["--store"],
        ["search"] = ["--store", "--top-k", "--json"],
        ["ask"] = ["--store", "--model", "--backend", "--top-k", "--json"],
    };

    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "--json" };

    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private ParsedCommand(string name, string argument)
    {
        Name = name;
        Argument = argument;
    }

    public string Name { get; }

    public string Argument { get; }

    public bool Json => _options.ContainsKey("--json");

    public string StorePath => Path.GetFullPath(_options.GetValueOrDefault("--store") ?? Path.Combine(".rag", "store.db"));

    public string? Model => _options.GetValueOrDefault("--model");

    public string? Backend => _options.GetValueOrDefault("--backend");

    public int TopK
    {
        get
        {
            if (_options.GetValueOrDefault("--top-k") is not { } text)
            {
                return 5;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100
                ? value
                : throw new UsageException($"--top-k must be a whole number from 1 to 100, not '{text}'.");
        }
    }

    public static ParsedCommand Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new UsageException("missing command: expected ingest, search or ask (run with --help for usage).");
        }

        var name = args[0];
        if (!AllowedOptions.TryGetValue(name, out var allowed))
        {
            throw new UsageException($"unknown command '{name}': expected ingest, search or ask (run with --help for usage).");
        }

        string? argument = null;
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!allowed.Contains(arg))
                {
                    throw new UsageException($"unknown option '{arg}' for '{name}' (allowed: {string.Join(", ", allowed)}).");
                }

                if (options.ContainsKey(arg))
                {
                    throw new UsageException($"option '{arg}' is given twice.");
                }

                if (Switches.Contains(arg))
                {
                    options[arg] = null;
                    continue;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"option '{arg}' needs a value.");
                }

                options[arg] = args[++i];
            }
            else if (argument is null)
            {
                argument = arg;
            }
            else
            {
                throw new UsageException($"unexpected argument '{arg}': '{name}' takes one {(name == "ingest" ? "folder" : "quoted text")}.");
            }
        }

        if (string.IsNullOrWhiteSpace(argument))
        {
            throw new UsageException(name switch
            {
                "ingest" => "ingest needs a folder: ingest <folder> [--store <file>].",
                "search" => "search needs a query: search \"<query>\" [--store <file>] [--top-k N] [--json].",
                _ => "ask needs a question: ask \"<question>\" [--store <file>] [--model <gguf> | --backend openai|anthropic] [--top-k N] [--json].",
            });
        }

        if (options.ContainsKey("--model") && options.ContainsKey("--backend"))
        {
            throw new UsageException("give either --model or --backend, not both.");
        }

        if (options.GetValueOrDefault("--backend") is { } backend && backend is not ("openai" or "anthropic"))
        {
            throw new UsageException($"--backend must be openai or anthropic, not '{backend}'.");
        }

        var parsed = new ParsedCommand(name, argument);
        foreach (var (key, value) in options)
        {
            parsed._options[key] = value;
        }

        _ = parsed.TopK;
        return parsed;
    }
}
