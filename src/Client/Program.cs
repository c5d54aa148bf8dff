using Reef.Client;

using var stop = new StopSignals();
var code = ReefCli.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected, stop);
// Stopped by a signal, work may still be running in native code: leave without unloading it (see ExitNow).
if (stop.Received != null) StopSignals.ExitNow(code);
return code;
