using System.Globalization;

namespace Agents.Samples.Chatbot;

/// <summary>Parses the flags; every mistake is a <see cref="UsageException"/> naming the flag.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: Chatbot [options]
          --model <path|name>     GGUF file (local) or model name (openai, anthropic)
          --backend <name>        local (default), openai or anthropic
          --endpoint <url>        server base URL (openai-compatible servers, anthropic)
          --system <text>         system prompt
          --max-tokens <n>        most tokens per answer (default 256)
          --temperature <t>       sampling temperature (0 = greedy)
          --top-k <n>             top-k sampling
          --top-p <p>             nucleus sampling
          --seed <n>              random seed (same seed, same answer)
          --beam <width>          beam search of this width (local backend)
          --context <n>           context window in tokens (local backend)
          --threads <n>           CPU threads (local backend)
          --prompt <text>         one-shot: answer this and exit
          --json                  with --prompt: print one JSON object
          --json-schema <file>    with --prompt: print JSON validated against the schema in <file>
          --prefix-cache          reuse the KV state of earlier turns (local backend)
          --tools                 let the model call tools: calculator, current_time, search_docs (with --store)
          --store <file>          a RagQa store (.rag/store.db) for the search_docs tool
          --verbose               log warnings and errors to stderr
          --help                  this text
        Commands while chatting: /reset, /system <text>, /stats, /help, /exit. Ctrl+C stops the current answer.
        """;

    public static ChatbotOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ChatbotOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{flag} needs a value.");
                }

                return args[++i];
            }

            switch (flag)
            {
                case "--model": options.Model = Value(); break;
                case "--backend": options.Backend = ParseBackend(Value()); break;
                case "--endpoint": options.Endpoint = ParseUri(flag, Value()); break;
                case "--system": options.SystemPrompt = Value(); break;
                case "--max-tokens": options.MaxTokens = ParseInt(flag, Value(), 1, 1 << 20); break;
                case "--temperature": options.Temperature = ParseFloat(flag, Value(), 0, 10); break;
                case "--top-k": options.TopK = ParseInt(flag, Value(), 1, 1 << 20); break;
                case "--top-p": options.TopP = ParseFloat(flag, Value(), 0, 1); break;
                case "--seed": options.Seed = ParseLong(flag, Value()); break;
                case "--beam": options.BeamWidth = ParseInt(flag, Value(), 1, 32); break;
                case "--context": options.ContextSize = ParseInt(flag, Value(), 16, 1 << 20); break;
                case "--threads": options.Threads = ParseInt(flag, Value(), 1, 1024); break;
                case "--prompt": options.Prompt = Value(); break;
                case "--json": options.Json = true; break;
                case "--json-schema": options.JsonSchemaPath = Value(); break;
                case "--verbose": options.Verbose = true; break;
                case "--prefix-cache": options.PrefixCache = true; break;
                case "--tools": options.Tools = true; break;
                case "--store": options.StorePath = Value(); break;
                case "--help" or "-h": options.ShowHelp = true; break;
                default: throw new UsageException($"unknown option '{flag}' (see --help).");
            }
        }

        if (options.JsonSchemaPath is not null && options.Prompt is null)
        {
            throw new UsageException("--json-schema needs --prompt <text>.");
        }

        if (options.Json && options.Prompt is null)
        {
            throw new UsageException("--json needs --prompt <text>.");
        }

        if (options.BeamWidth is not null && options.Backend != "local")
        {
            throw new UsageException("--beam is only available with --backend local.");
        }

        if (options.PrefixCache && options.Backend != "local")
        {
            throw new UsageException("--prefix-cache is only available with --backend local (hosted providers cache prompts themselves).");
        }

        ToolFlags.Check(options);
        return options;
    }

    private static string ParseBackend(string value) => value.ToLowerInvariant() switch
    {
        "local" or "openai" or "anthropic" => value.ToLowerInvariant(),
        _ => throw new UsageException($"unknown backend '{value}': use local, openai or anthropic."),
    };

    private static Uri ParseUri(string flag, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"{flag} needs an http(s) URL, not '{value}'.");

    private static int ParseInt(string flag, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{flag} needs a whole number from {min} to {max}, not '{value}'.");

    private static long ParseLong(string flag, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"{flag} needs a whole number, not '{value}'.");

    private static float ParseFloat(string flag, string value, float min, float max) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= min && x <= max
            ? x
            : throw new UsageException($"{flag} needs a number from {min} to {max}, not '{value}'.");
}
