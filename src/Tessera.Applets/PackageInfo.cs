using Tessera.Card.Runtime;

// The built-in applets ship as one load file (SPEC §3); see docs/PROTOCOL.md, "Built-in applets".
[assembly: TesseraPackage(Tessera.Applets.BuiltInAids.Package)]
