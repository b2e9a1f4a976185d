using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace Agents.Samples.Chatbot;

/// <summary>
/// The Chatbot's command line on System.CommandLine: <c>--help</c>, <c>--version</c>, <c>--opt=value</c> and
/// <c>--opt value</c> alike, every mistake reported as one line naming the flag (exit code 2).
/// </summary>
public static class ChatbotCommandLine
{
    /// <summary>The environment variables and configuration files the Chatbot reads, as listed in the help.</summary>
    public const string EnvironmentHelp = """
        Configuration (a flag wins over an environment variable, which wins over a file):
          appsettings.json                  beside the program, then in the current directory: sections Agents:Llama,
                                            Agents:OpenAI, Agents:Anthropic and Agents:Defaults (see the README)
        Environment variables:
          AGENTS_MODEL                      local GGUF model when --model is not given
          OPENAI_API_KEY                    --backend openai: the API key (optional for local OpenAI-compatible servers)
          ANTHROPIC_API_KEY                 --backend anthropic: the API key (required)
          Agents__Llama__*, Agents__Defaults__*, ...   any configuration key (e.g. Agents__Llama__ContextSize=2048)
        """;

    /// <summary>The commands understood while chatting.</summary>
    public const string ChatCommandsHelp = "Commands while chatting: /reset, /system <text>, /stats, /help, /exit. Ctrl+C stops the current answer.";

    private static readonly Option<string?> Model = new("--model") { Description = "GGUF file (local) or model name (openai, anthropic).", HelpName = "path|name" };
    private static readonly Option<string> Backend = BackendOption();
    private static readonly Option<Uri?> Endpoint = UriOption("--endpoint", "Server base URL (OpenAI-compatible servers, Anthropic).");
    private static readonly Option<string?> SystemPrompt = new("--system") { Description = "System prompt.", HelpName = "text" };
    private static readonly Option<int?> MaxTokens = IntOption("--max-tokens", "Most tokens per answer (default 256, or Agents:Defaults:MaxTokens).", "n", 1, 1 << 20);
    private static readonly Option<float?> Temperature = FloatOption("--temperature", "Sampling temperature (0 = greedy).", "t", 0, 10);
    private static readonly Option<int?> TopK = IntOption("--top-k", "Top-k sampling.", "n", 1, 1 << 20);
    private static readonly Option<float?> TopP = FloatOption("--top-p", "Nucleus sampling.", "p", 0, 1);
    private static readonly Option<long?> Seed = LongOption("--seed", "Random seed (same seed, same answer).");
    private static readonly Option<int?> Beam = IntOption("--beam", "Beam search of this width (local backend).", "width", 1, 32);
    private static readonly Option<int?> Context = IntOption("--context", "Context window in tokens (local backend; Agents:Llama:ContextSize).", "n", 16, 1 << 20);
    private static readonly Option<int?> Threads = IntOption("--threads", "CPU threads (local backend; Agents:Llama:Threads).", "n", 1, 1024);
    private static readonly Option<string?> Prompt = new("--prompt") { Description = "One-shot: answer this and exit.", HelpName = "text" };
    private static readonly Option<bool> Json = new("--json") { Description = "With --prompt: print one JSON object (no decorations)." };
    private static readonly Option<string?> JsonSchema = new("--json-schema") { Description = "With --prompt: print JSON validated against the schema in <file>.", HelpName = "file" };
    private static readonly Option<bool> PrefixCache = new("--prefix-cache") { Description = "Reuse the KV state of earlier turns (local backend)." };
    private static readonly Option<bool> Tools = new("--tools") { Description = "Let the model call tools: calculator, current_time, search_docs (with --store)." };
    private static readonly Option<string?> Store = new("--store") { Description = "A RagQa store (.rag/store.db) for the search_docs tool.", HelpName = "file" };
    private static readonly Option<bool> Verbose = new("--verbose") { Description = "Log warnings and errors to stderr." };

    // Response files are off: a prompt such as "@team, hello" is text, not a file to read arguments from.
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    /// <summary>Gets the root command (options only: the program runs itself, so Ctrl+C stays its own). Parsing is read-only.</summary>
    public static RootCommand Root { get; } = Create();

    /// <summary>Parses a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The parse; check its errors, then <see cref="IsHelpOrVersion"/>, then read it with <see cref="ToOptions"/>.</returns>
    public static ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, ParserSettings);

    private static RootCommand Create()
    {
        var root = new RootCommand(
            "Agents chatbot: a console chat, one-shot (--prompt) or interactive, over a local GGUF model or a hosted "
            + "provider.\n" + ChatCommandsHelp + "\n\n" + EnvironmentHelp)
        {
            Model, Backend, Endpoint, SystemPrompt, MaxTokens, Temperature, TopK, TopP, Seed, Beam, Context, Threads,
            Prompt, Json, JsonSchema, PrefixCache, Tools, Store, Verbose,
        };
        root.Validators.Add(Validate);
        return root;
    }

    /// <summary>Whether the parse asked for <c>--help</c> or <c>--version</c>, which print even beside other mistakes.</summary>
    /// <param name="parsed">The parse of the command line.</param>
    /// <returns><see langword="true"/> for help or version.</returns>
    public static bool IsHelpOrVersion(ParseResult parsed) =>
        parsed.Action is HelpAction || Root.Options.OfType<VersionOption>().Any(o => parsed.GetResult(o) is not null);

    /// <summary>Describes the errors of a parse in one line.</summary>
    /// <param name="parsed">A parse with errors.</param>
    /// <returns>The message, without the program's prefix.</returns>
    public static string DescribeErrors(ParseResult parsed)
    {
        // An unknown flag is named the way the Chatbot always named it; System.CommandLine's own messages may span lines.
        if (parsed.UnmatchedTokens.Count > 0)
        {
            return $"unknown option '{parsed.UnmatchedTokens[0]}' (see --help).";
        }

        return string.Join(" ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim()));
    }

    /// <summary>Reads a parse without errors into <see cref="ChatbotOptions"/>.</summary>
    /// <param name="parsed">The parse.</param>
    /// <returns>The options: what a flag did not set stays unset, for configuration to fill.</returns>
    public static ChatbotOptions ToOptions(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return new ChatbotOptions
        {
            Backend = parsed.GetValue(Backend)!,
            Model = parsed.GetValue(Model),
            Endpoint = parsed.GetValue(Endpoint),
            SystemPrompt = parsed.GetValue(SystemPrompt),
            MaxTokens = parsed.GetValue(MaxTokens),
            Temperature = parsed.GetValue(Temperature),
            TopK = parsed.GetValue(TopK),
            TopP = parsed.GetValue(TopP),
            Seed = parsed.GetValue(Seed),
            BeamWidth = parsed.GetValue(Beam),
            ContextSize = parsed.GetValue(Context),
            Threads = parsed.GetValue(Threads),
            Prompt = parsed.GetValue(Prompt),
            Json = parsed.GetValue(Json),
            JsonSchemaPath = parsed.GetValue(JsonSchema),
            PrefixCache = parsed.GetValue(PrefixCache),
            Tools = parsed.GetValue(Tools),
            StorePath = parsed.GetValue(Store),
            Verbose = parsed.GetValue(Verbose),
        };
    }

    /// <summary>Renders the help text (for <c>/help</c> while chatting).</summary>
    /// <returns>The text <c>--help</c> prints.</returns>
    public static string HelpText()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Parse(["--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });
        return writer.ToString().TrimEnd();
    }

    // Flags that only make sense together, checked once every value has parsed.
    private static void Validate(System.CommandLine.Parsing.CommandResult result)
    {
        bool Given(Option option) => result.GetResult(option) is not null;
        // Read from the token, not GetValue: a bad --backend already has its own error, and GetValue would throw on it.
        var backend = result.GetResult(Backend) is { Tokens.Count: > 0 } given ? given.Tokens[0].Value.ToLowerInvariant() : "local";
        string? problem = null;
        if (Given(JsonSchema) && !Given(Prompt))
        {
            problem = "--json-schema needs --prompt <text>.";
        }
        else if (Given(Json) && !Given(Prompt))
        {
            problem = "--json needs --prompt <text>.";
        }
        else if (Given(Beam) && backend != "local")
        {
            problem = "--beam is only available with --backend local.";
        }
        else if (Given(PrefixCache) && backend != "local")
        {
            problem = "--prefix-cache is only available with --backend local (hosted providers cache prompts themselves).";
        }

        if (problem is not null)
        {
            result.AddError(problem);
        }
    }

    private static Option<string> BackendOption() => new("--backend")
    {
        Description = "local (default), openai or anthropic.",
        HelpName = "local|openai|anthropic",
        DefaultValueFactory = _ => "local",
        CustomParser = result =>
        {
            var value = Single(result).ToLowerInvariant();
            if (value is "local" or "openai" or "anthropic")
            {
                return value;
            }

            result.AddError($"unknown backend '{Single(result)}': use local, openai or anthropic.");
            return "local";
        },
    };

    private static Option<Uri?> UriOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = result =>
        {
            var text = Single(result);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"{name} needs an http(s) URL, not '{text}'.");
            return null;
        },
    };

    private static Option<int?> IntOption(string name, string description, string helpName, int min, int max) =>
        NumberOption(name, description, helpName, NumberStyles.Integer, min, max, $"a whole number from {min} to {max}");

    private static Option<long?> LongOption(string name, string description) =>
        NumberOption(name, description, "n", NumberStyles.Integer, long.MinValue, long.MaxValue, "a whole number");

    private static Option<float?> FloatOption(string name, string description, string helpName, float min, float max) =>
        NumberOption(name, description, helpName, NumberStyles.Float, min, max, string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}"));

    // Numbers are read with the invariant culture (a decimal point, whatever the machine's language) and range-checked,
    // so a mistake is reported naming the flag and what it needs.
    private static Option<T?> NumberOption<T>(string name, string description, string helpName, NumberStyles styles, T min, T max, string needs)
        where T : struct, System.Numerics.INumber<T> => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = Single(result);
            if (T.TryParse(text, styles, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{name} needs {needs}, not '{text}'.");
            return null;
        },
    };

    private static string Single(System.CommandLine.Parsing.ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
}
