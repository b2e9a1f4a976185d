using Agents.Backends.Llama;
using Agents.Configuration;
using Agents.Rag;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.Samples.RagQa;

/// <summary>
/// Makes the generator <c>ask</c> uses, from <c>--model</c> or <c>--backend</c>, through the SDK's dependency-injection
/// registration (<c>AddLlamaGenerator</c>, <c>AddOpenAIGenerator</c>, <c>AddAnthropicGenerator</c>) in a generic host,
/// so <c>appsettings.json</c> and environment variables configure it as they would in an application.
/// </summary>
internal static class ModelConfiguration
{
    public const string HowToConfigure = """
        error: ask needs a model, and none is configured.
          local:  RagQa ask "<question>" --model path/to/model.gguf    (or Agents:Llama:ModelPath in appsettings.json)
          hosted: RagQa ask "<question>" --backend openai     (with OPENAI_API_KEY set; OPENAI_BASE_URL and OPENAI_MODEL optional)
                  RagQa ask "<question>" --backend anthropic  (with ANTHROPIC_API_KEY set; ANTHROPIC_MODEL optional)
        search works without a model: RagQa search "<query>"
        """;

    /// <summary>
    /// Builds the host whose <see cref="IGenerator"/> answers — the backend wrapped in <c>UseRetrieval</c> — or returns
    /// <see langword="null"/> with the reason.
    /// </summary>
    public static IHost? CreateHost(ParsedCommand command, StoreSearch search, out string problem)
    {
        problem = HowToConfigure;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            // A full path: a relative one would be looked up beside the program (the builder's default base path).
            .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables();

        // No flag: the local model configured as in the README's appsettings.json example (Agents:Llama:ModelPath).
        if (command.Model is null && command.Backend is null)
        {
            if (builder.Configuration["Agents:Llama:ModelPath"] is not { Length: > 0 } configured)
            {
                return null;
            }

            command = command with { Model = configured };
        }
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);

        var configuration = builder.Configuration;
        if (command.Model is { } model)
        {
            if (!File.Exists(model))
            {
                problem = $"error: the model file '{model}' does not exist.";
                return null;
            }

            builder.Services.AddLlamaGenerator(o =>
            {
                // OptionsBinder, not section.Bind: the flat keys (ModelPath, MaxConcurrentSequences, …) fill the Load and Scheduling sections.
                OptionsBinder.Bind(configuration.GetSection("Agents:Llama"), o);
                o.Load.ModelPath = model;
                o.Load.ContextSize ??= 4096;

                // Used only when the GGUF carries no chat template of its own.
                o.Load.ChatTemplateFallback ??= LlamaChatFormats.ChatML;
            }).UseRetrieval(search.Retriever, o => Configure(o, command, search));
        }
        else if (command.Backend == "openai")
        {
            var key = configuration["OPENAI_API_KEY"];
            if (string.IsNullOrWhiteSpace(key))
            {
                problem = "error: --backend openai needs the OPENAI_API_KEY environment variable.";
                return null;
            }

            builder.Services.AddOpenAIGenerator(o =>
            {
                configuration.GetSection("Agents:OpenAI").Bind(o);
                o.ApiKey = key;
                o.Model = configuration["OPENAI_MODEL"] ?? o.Model ?? "gpt-4o-mini";
                if (configuration["OPENAI_BASE_URL"] is { Length: > 0 } url)
                {
                    o.Endpoint = new Uri(url.EndsWith('/') ? url : url + "/");
                }
            }).UseRetrieval(search.Retriever, o => Configure(o, command, search));
        }
        else
        {
            var key = configuration["ANTHROPIC_API_KEY"];
            if (string.IsNullOrWhiteSpace(key))
            {
                problem = "error: --backend anthropic needs the ANTHROPIC_API_KEY environment variable.";
                return null;
            }

            builder.Services.AddAnthropicGenerator(o =>
            {
                configuration.GetSection("Agents:Anthropic").Bind(o);
                o.ApiKey = key;
                o.Model = configuration["ANTHROPIC_MODEL"] ?? o.Model ?? "claude-3-5-haiku-latest";
            }).UseRetrieval(search.Retriever, o => Configure(o, command, search));
        }

        return builder.Build();
    }

    private static void Configure(RetrievalGeneratorOptions options, ParsedCommand command, StoreSearch search)
    {
        options.Retrieval.TopK = command.TopK;
        options.Retrieval.Mode = search.Mode;
    }
}
