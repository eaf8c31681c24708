// Pores of two diameters on a checkerboard under a feedstock layer, lengths
// in the large pores' diameter (d = 1): pores of diameter 1 at (0.75, 0.75)
// and (2.25, 2.25), of diameter 0.5 at (2.25, 0.75) and (0.75, 2.25); pitch 1.5,
// feedstock thickness 2, filled pore length 1.5 (stretched to each pore's
// length by Study = array filling). With the symmetry planes an infinite
// checkerboard of pores fed by one feedstock.
// All-hexahedral (each pore a 16-gon O-grid): the z = 0 plane is meshed
// with quadrilaterals, then
// extruded up (feedstock) and, for the pore disks, down (filled pores).
// Boundary ids (physical tags) as the nanomolding model expects them:
//   0 mold wall (untagged: the mold top at z = 0 and the pore walls),
//   1 pressed feedstock top, 2 glass fronts in the pores,
//   3 symmetry planes normal to x, 4 symmetry planes normal to y.
// Regenerate: gmsh -3 pore_array_mixed_3d.geo -o pore_array_mixed_3d.msh
SetFactory("Built-in");
Mesh.MshFileVersion = 2.2;
Mesh.RecombineAll = 1;
Mesh.Algorithm = 6;
Mesh.SubdivisionAlgorithm = 1;

pitch = 1.5; n = 2; H = 2; Lp = 1.5;
hl = 0.25;
W = n * pitch;
p1 = newp; Point(p1) = {0, 0, 0, hl};
p2 = newp; Point(p2) = {W, 0, 0, hl};
p3 = newp; Point(p3) = {W, W, 0, hl};
p4 = newp; Point(p4) = {0, W, 0, hl};
l1 = newl; Line(l1) = {p1, p2};
l2 = newl; Line(l2) = {p2, p3};
l3 = newl; Line(l3) = {p3, p4};
l4 = newl; Line(l4) = {p4, p1};
outer = newll; Curve Loop(outer) = {l1, l2, l3, l4};

holes[] = {};
disks[] = {};
For i In {0 : n - 1}
  For j In {0 : n - 1}
    cx = (i + 0.5) * pitch; cy = (j + 0.5) * pitch;
    r = ((i + j) % 2 == 0) ? 0.5 : 0.25;
    hp = r / 2;
    // O-grid: an inner square and four patches up to the circle
    c  = newp; Point(c) = {cx, cy, 0, hp};
    q  = 0.4 * r; rr = r / Sqrt(2);
    For m In {0 : 3}
      sx = (m == 0 || m == 3) ? 1 : -1; sy = (m < 2) ? 1 : -1;
      sq[m] = newp; Point(sq[m]) = {cx + sx * q, cy + sy * q, 0, hp};
      ar[m] = newp; Point(ar[m]) = {cx + sx * rr, cy + sy * rr, 0, hp};
    EndFor
    For m In {0 : 3}
      m1 = (m + 1) % 4;
      ls[m] = newl; Line(ls[m]) = {sq[m], sq[m1]};
      la[m] = newl; Circle(la[m]) = {ar[m], c, ar[m1]};
      lr[m] = newl; Line(lr[m]) = {sq[m], ar[m]};
    EndFor
    Transfinite Curve {ls[], la[]} = 5;
    Transfinite Curve {lr[]} = 3;
    inner = newll; Curve Loop(inner) = {ls[0], ls[1], ls[2], ls[3]};
    s = news; Plane Surface(s) = {inner};
    Transfinite Surface {s}; Recombine Surface {s};
    disks[] += s;
    For m In {0 : 3}
      m1 = (m + 1) % 4;
      pl = newll; Curve Loop(pl) = {ls[m], lr[m1], -la[m], -lr[m]};
      s = news; Plane Surface(s) = {pl};
      Transfinite Surface {s}; Recombine Surface {s};
      disks[] += s;
    EndFor
    loop = newll; Curve Loop(loop) = {la[0], la[1], la[2], la[3]};
    holes[] += loop;
  EndFor
EndFor
plate = news; Plane Surface(plate) = {outer, holes[]};

tops[] = {};
fronts[] = {};
vols[] = {};
up[] = Extrude {0, 0, H} { Surface{plate}; Layers{4}; Recombine; };
tops[] += up[0];
vols[] += up[1];
For k In {0 : #disks[] - 1}
  upd[] = Extrude {0, 0, H} { Surface{disks[k]}; Layers{4}; Recombine; };
  tops[] += upd[0];
  vols[] += upd[1];
  down[] = Extrude {0, 0, -Lp} { Surface{disks[k]}; Layers{6}; Recombine; };
  fronts[] += down[0];
  vols[] += down[1];
EndFor

e = 1e-6;
Physical Surface(1) = {tops[]};
Physical Surface(2) = {fronts[]};
Physical Surface(3) = {Surface In BoundingBox{-e, -e, -e, e, W + e, H + e},
                       Surface In BoundingBox{W - e, -e, -e, W + e, W + e, H + e}};
Physical Surface(4) = {Surface In BoundingBox{-e, -e, -e, W + e, e, H + e},
                       Surface In BoundingBox{-e, W - e, -e, W + e, W + e, H + e}};
Physical Volume(1) = {vols[]};
