using System.CommandLine;

namespace Agents.Samples.RagQa;

/// <summary>
/// RagQa's command tree on System.CommandLine: <c>ingest</c>, <c>search</c> and <c>ask</c>, with <c>--help</c> on each,
/// <c>--version</c>, <c>--opt=value</c> and <c>--opt value</c> alike. Each command's action receives a
/// <see cref="ParsedCommand"/>.
/// </summary>
internal static class RagQaCommandLine
{
    /// <summary>The environment variables RagQa reads, as listed in the help.</summary>
    public const string EnvironmentHelp = """
        Configuration (a flag wins over an environment variable, which wins over a file):
          appsettings.json                                beside the program, then in the current directory: sections
                                                          Agents:Llama (ModelPath: ask's model without --model),
                                                          Agents:OpenAI, Agents:Anthropic (see the README)
        Environment variables:
          OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL   ask --backend openai: key (required), server, model
          ANTHROPIC_API_KEY, ANTHROPIC_MODEL              ask --backend anthropic: key (required), model
          Agents__Llama__*, Agents__OpenAI__*, ...        any backend option, as in appsettings.json (e.g. Agents__Llama__ContextSize)
        """;

    private static readonly Option<string> Store = new("--store")
    {
        Description = "The store file.",
        HelpName = "file",
        DefaultValueFactory = _ => Path.Combine(".rag", "store.db"),
        Recursive = true,
    };

    private static readonly Option<int> TopK = TopKOption();

    private static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON only (no decorations)." };

    private static readonly Option<string?> Mode = ModeOption();

    /// <summary>Builds the root command, whose subcommands run <paramref name="run"/> with what was parsed.</summary>
    public static RootCommand Create(Func<ParsedCommand, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand(
            "RagQa: question answering over a folder of documents, with citations. Ingest a folder (hybrid search: "
            + "BM25 plus all-MiniLM-L6-v2 embeddings computed offline), then search it or ask questions.\n\n" + EnvironmentHelp)
        {
            Store,
        };

        var folder = new Argument<string>("folder") { Description = "The folder of documents (.md, .txt, .html, .pdf) to ingest." };
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Store text only: keyword (BM25) search, no embedding model loaded." };
        var ingest = new Command("ingest", "Bring the store up to date with a folder: new and changed files added, removed files dropped.")
        {
            folder,
            noEmbeddings,
        };
        ingest.SetAction((result, cancellationToken) => run(
            Common(result, "ingest", folder) with { NoEmbeddings = result.GetValue(noEmbeddings) }, cancellationToken));
        root.Add(ingest);

        var query = new Argument<string>("query") { Description = "What to look for." };
        var search = new Command("search", "Ranked passages with source, score and character range. Needs no generation model.")
        {
            query,
            TopK,
            Mode,
            Json,
        };
        search.SetAction((result, cancellationToken) => run(Searching(result, "search", query), cancellationToken));
        root.Add(search);

        var question = new Argument<string>("question") { Description = "The question to answer from the documents." };
        var model = new Option<string?>("--model") { Description = "A local GGUF model file to answer with.", HelpName = "gguf" };
        var backend = new Option<string?>("--backend") { Description = "A hosted backend to answer with (API key from the environment).", HelpName = "openai|anthropic" };
        backend.AcceptOnlyFromAmong("openai", "anthropic");
        var ask = new Command("ask", "Answer a question from the retrieved passages, streamed, with numbered citations.\n\n" + EnvironmentHelp)
        {
            question,
            model,
            backend,
            TopK,
            Mode,
            Json,
        };
        ask.Validators.Add(result =>
        {
            if (result.GetResult(model) is not null && result.GetResult(backend) is not null)
            {
                result.AddError("give either --model or --backend, not both.");
            }
        });
        ask.SetAction((result, cancellationToken) => run(
            Searching(result, "ask", question) with { Model = result.GetValue(model), Backend = result.GetValue(backend) }, cancellationToken));
        root.Add(ask);
        return root;
    }

    private static ParsedCommand Common(ParseResult result, string name, Argument<string> argument) =>
        new(name, result.GetRequiredValue(argument), Path.GetFullPath(result.GetValue(Store)!));

    private static ParsedCommand Searching(ParseResult result, string name, Argument<string> argument) =>
        Common(result, name, argument) with
        {
            TopK = result.GetValue(TopK),
            Json = result.GetValue(Json),
            Mode = result.GetValue(Mode) switch
            {
                "hybrid" => SearchMode.Hybrid,
                "bm25" => SearchMode.Bm25,
                "vector" => SearchMode.Vector,
                _ => null,
            },
        };

    private static Option<int> TopKOption() => new("--top-k")
    {
        Description = "How many passages to retrieve (1-100).",
        HelpName = "N",
        DefaultValueFactory = _ => 5,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100)
            {
                return value;
            }

            result.AddError($"--top-k must be a whole number from 1 to 100, not '{text}'.");
            return 0;
        },
    };

    private static Option<string?> ModeOption()
    {
        var option = new Option<string?>("--mode")
        {
            Description = "Which search to run; default: hybrid when the store has embeddings, else bm25.",
            HelpName = "hybrid|bm25|vector",
        };
        option.AcceptOnlyFromAmong("hybrid", "bm25", "vector");
        return option;
    }
}
