using System.Globalization;
using Agents.Backends.Llama;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary>
/// Loads <c>ask</c>'s local model before the generator is resolved, under a spinner showing the load's progress when
/// decorations are allowed; the generator then shares the loaded weights (one load per file in a process).
/// </summary>
internal static class ModelLoading
{
    /// <summary>Loads the local model, if the host has one; keep the handle until the host is disposed.</summary>
    /// <returns>The handle, or <see langword="null"/> for a hosted backend.</returns>
    public static async Task<LlamaModel?> PreloadAsync(ParsedCommand command, IServiceProvider services, CancellationToken cancellationToken)
    {
        // A hosted backend registers no local options: their unconfigured value has no model path.
        var options = services.GetRequiredService<IOptions<LlamaModelOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.Load.ModelPath))
        {
            return null;
        }

        var loggerFactory = services.GetService<ILoggerFactory>();
        if (!command.Decorated)
        {
            return await LlamaModel.LoadAsync(options, loggerFactory, cancellationToken: cancellationToken);
        }

        return await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Status(options.Load.ModelPath, 0), async context =>
        {
            var progress = new ImmediateProgress(fraction => context.Status(Status(options.Load.ModelPath, fraction)));
            return await LlamaModel.LoadAsync(options, loggerFactory, progress, cancellationToken);
        });
    }

    private static string Status(string modelPath, float fraction) =>
        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Loading the model ({Path.GetFileName(modelPath)})… {fraction * 100:F0}%"));

    /// <summary>Reports on the loader's thread at once (<see cref="Progress{T}"/> would post to the thread pool, late).</summary>
    private sealed class ImmediateProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }
}
