using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agents.Backends.Onnx;

/// <summary>
/// The activity source and meter of the ONNX backend, named and tagged after the OpenTelemetry GenAI conventions
/// (an <c>embeddings</c> span per call, the operation duration and input token usage as histograms).
/// </summary>
internal static class OnnxTelemetry
{
    /// <summary>The name of the activity source and the meter: subscribe to it to see embedding calls.</summary>
    public const string SourceName = "Agents.Backends.Onnx";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Duration of embedding calls.");

    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Input tokens embedded per call.");
}
