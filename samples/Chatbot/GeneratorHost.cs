using Agents.Backends.Llama;
using Agents.Backends.Llama.PrefixCache;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.Samples.Chatbot;

/// <summary>
/// Builds the host and its <see cref="IGenerator"/> for the chosen backend, all through the SDK's DI registrations:
/// each backend's options bind from its <c>appsettings.json</c> section (validated at start-up, unknown keys reported)
/// and the flags given override what the configuration says.
/// </summary>
public static class GeneratorHost
{
    public static IHost Build(ChatbotOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddChatbotSources();
        var configuration = builder.Configuration;

        // stdout carries only answers; with --verbose, warnings and errors are logged to stderr. Without it stderr
        // stays for the one-line error messages (a failed load would otherwise print the same reason twice).
        builder.Logging.ClearProviders();
        if (options.Verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter(level => level >= LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        // Checked before the host starts: an exception thrown inside an options callback is logged by the host with its stack.
        var hostedModel = options.Backend switch
        {
            "openai" => options.Model ?? configuration[ChatbotConfiguration.OpenAISection + ":Model"],
            "anthropic" => options.Model ?? configuration[ChatbotConfiguration.AnthropicSection + ":Model"],
            _ => null,
        };
        if (options.Backend != "local" && string.IsNullOrWhiteSpace(hostedModel))
        {
            throw new UsageException($"--backend {options.Backend} needs --model <name>.");
        }

        var anthropicKey = Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY") ?? configuration[ChatbotConfiguration.AnthropicSection + ":ApiKey"];
        if (options.Backend == "anthropic" && string.IsNullOrEmpty(anthropicKey))
        {
            throw new UsageException("--backend anthropic needs the ANTHROPIC_API_KEY environment variable.");
        }

        GeneratorBuilder pipeline;
        switch (options.Backend)
        {
            case "openai":
                pipeline = builder.Services.AddOpenAIGenerator(configuration.GetSection(ChatbotConfiguration.OpenAISection));
                builder.Services.PostConfigure<Agents.Backends.OpenAI.OpenAIGeneratorOptions>(o =>
                {
                    o.Endpoint = options.Endpoint ?? o.Endpoint;
                    o.Model = hostedModel!;
                    o.ApiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY") ?? o.ApiKey;
                });
                break;
            case "anthropic":
                pipeline = builder.Services.AddAnthropicGenerator(configuration.GetSection(ChatbotConfiguration.AnthropicSection));
                builder.Services.PostConfigure<Agents.Backends.Anthropic.AnthropicGeneratorOptions>(o =>
                {
                    o.Endpoint = options.Endpoint ?? o.Endpoint;
                    o.Model = hostedModel!;
                    o.ApiKey = anthropicKey;
                });
                break;
            default:
                var modelPath = ModelLocator.Resolve(options.Model, configuration[ChatbotConfiguration.LlamaSection + ":ModelPath"]);
                pipeline = builder.Services.AddLlamaGenerator(configuration.GetSection(ChatbotConfiguration.LlamaSection));
                builder.Services.PostConfigure<LlamaModelOptions>(o =>
                {
                    o.Load.ModelPath = modelPath;
                    o.Load.ContextSize = options.ContextSize ?? o.Load.ContextSize;
                    o.Load.Threads = options.Threads ?? o.Load.Threads;

                    // Used only when the model carries no chat template of its own (the tiny test model has none).
                    o.Load.ChatTemplateFallback ??= LlamaChatFormats.Llama2;

                    // One conversation at a time: one sequence, and room for the beams asked for.
                    o.Scheduling.MaxConcurrentSequences = 1;
                    o.Scheduling.MaxBeamWidth = Math.Max(1, options.BeamWidth ?? 1);

                    // --prefix-cache: reuse the evaluated KV state of the conversation so far on every new turn.
                    if (options.PrefixCache)
                    {
                        o.PrefixCache ??= new PrefixCacheOptions();
                    }
                });
                break;
        }

        // Agents:Defaults fills what a request leaves unset (a flag sets it): MaxTokens, Temperature, TopP, Seed, ...
        builder.Services.AddValidatedOptions<GenerationDefaults>(configuration.GetSection(ChatbotConfiguration.DefaultsSection));
        builder.Services.PostConfigure<GenerationDefaults>(d => d.MaxTokens ??= ChatbotOptions.DefaultMaxTokens);

        // Marks everything but the newest turn as the stable prefix: the local prefix cache reuses it, and hosted
        // providers get their prompt-caching hints (prompt_cache_key, cache_control) from the same mark.
        pipeline.UsePromptCaching().UseDefaults();

        return builder.Build();
    }
}
