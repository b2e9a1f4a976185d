using System.Globalization;
using Agents.Backends.Llama;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Agents.Samples.Chatbot;

/// <summary>
/// Loads the local model before the generator is resolved, so a spinner with the load's progress can be drawn while it
/// loads; the generator then shares the loaded weights (<see cref="LlamaModel"/> shares one load per file).
/// </summary>
public static class ModelLoadProgress
{
    /// <summary>The status line shown while the model loads, e.g. <c>Loading model.gguf… 42%</c>.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="fraction">How much has loaded, from 0 to 1.</param>
    /// <returns>The text, without markup.</returns>
    public static string Describe(string modelPath, float fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"Loading {Path.GetFileName(modelPath)}… {Math.Clamp(fraction, 0, 1) * 100:F0}%");

    /// <summary>Loads the local backend's model, if the host has one, showing progress on <paramref name="console"/>.</summary>
    /// <param name="services">The built host's services.</param>
    /// <param name="console">Where the spinner is drawn; <see langword="null"/> to load quietly.</param>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <returns>A handle to keep until the generator is disposed, or <see langword="null"/> for a hosted backend.</returns>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    /// <exception cref="OptionsValidationException">The local backend's configuration is invalid.</exception>
    public static async Task<LlamaModel?> PreloadAsync(IServiceProvider services, IAnsiConsole? console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A hosted backend registers no local options: their unconfigured value has no model path.
        var options = services.GetRequiredService<IOptions<LlamaModelOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.Load.ModelPath))
        {
            return null;
        }

        var loggerFactory = services.GetService<ILoggerFactory>();
        if (console is null)
        {
            return await LlamaModel.LoadAsync(options, loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return await console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(Markup.Escape(Describe(options.Load.ModelPath, 0)), async context =>
            {
                var progress = new ImmediateProgress(fraction => context.Status(Markup.Escape(Describe(options.Load.ModelPath, fraction))));
                return await LlamaModel.LoadAsync(options, loggerFactory, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Reports on the loader's thread at once (<see cref="Progress{T}"/> would post to the thread pool, late).</summary>
    private sealed class ImmediateProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }
}
