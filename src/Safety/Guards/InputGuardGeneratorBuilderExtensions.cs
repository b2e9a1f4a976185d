using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.Safety.Guards;

/// <summary>Adds <see cref="InputGuardGenerator"/> to a pipeline.</summary>
public static class InputGuardGeneratorBuilderExtensions
{
    /// <summary>
    /// Guards every request that passes this point: size limits, removal of invisible characters, and prompt-injection
    /// scoring with a threshold and a policy. Add it first (outermost).
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the options; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (checked here, once); the message lists every problem.</exception>
    public static GeneratorBuilder UseInputGuards(this GeneratorBuilder builder, Action<InputGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new InputGuardOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use((inner, services) =>
        {
            options.MeterFactory ??= services.GetService<IMeterFactory>();
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<InputGuardGenerator>();
            return new InputGuardGenerator(inner, options, logger);
        });
    }
}
