using System.Diagnostics.Metrics;
using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

/// <summary>
/// Listens for the guard instruments a constructor creates, telling them apart from those other tests create in
/// parallel by thread (an instrument is published synchronously on the thread that creates it). The instruments stay
/// enabled until their meter is disposed or this capture is.
/// </summary>
internal sealed class GuardInstrumentCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Instrument> _instruments = [];
    private int _thread = -1;

    public GuardInstrumentCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Environment.CurrentManagedThreadId == _thread && instrument.Meter.Name == GuardTelemetry.MeterName)
            {
                _instruments.Add(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.Start();
    }

    /// <summary>Gets the guard instruments created inside <see cref="Capture{T}"/>.</summary>
    public IReadOnlyList<Instrument> Instruments => _instruments;

    /// <summary>Runs <paramref name="create"/>, recording the guard instruments it creates on this thread.</summary>
    public T Capture<T>(Func<T> create)
    {
        _thread = Environment.CurrentManagedThreadId;
        try
        {
            return create();
        }
        finally
        {
            _thread = -1;
        }
    }

    public void Dispose() => _listener.Dispose();
}
