// One round pore under its feedstock cell, axisymmetric (r, z) about r = 0,
// lengths in pore diameters (d = 1): pore radius 0.5, filled length 4,
// feedstock cell radius 1.5 (pitch 3) and thickness 2. All quadrilaterals.
// Boundary ids as the nanomolding model expects them: 0 mold wall,
// 1 pressed feedstock top, 2 glass front, 3 axis and outer symmetry line.
// Regenerate: gmsh -2 pore_axisymmetric.geo -o pore_axisymmetric.msh
SetFactory("Built-in");
Mesh.MshFileVersion = 2.2;
r = 0.5; R = 1.5; H = 2; L = 4;
Point(1) = {0, -L, 0}; Point(2) = {r, -L, 0};
Point(3) = {0, 0, 0};  Point(4) = {r, 0, 0};  Point(5) = {R, 0, 0};
Point(6) = {0, H, 0};  Point(7) = {r, H, 0};  Point(8) = {R, H, 0};
Line(1) = {1, 2}; Line(2) = {2, 4}; Line(3) = {4, 3}; Line(4) = {3, 1};
Line(5) = {4, 5}; Line(6) = {5, 8}; Line(7) = {8, 7}; Line(8) = {7, 4};
Line(9) = {7, 6}; Line(10) = {6, 3};
Curve Loop(1) = {1, 2, 3, 4};  Plane Surface(1) = {1};
Curve Loop(2) = {-3, -8, 9, 10}; Plane Surface(2) = {2};
Curve Loop(3) = {5, 6, 7, 8};  Plane Surface(3) = {3};
Transfinite Curve {1, 3, 9} = 5;
Transfinite Curve {2, 4} = 25 Using Bump 0.3;
Transfinite Curve {8, 10, 6} = 9 Using Progression 1.2;
Transfinite Curve {5, 7} = 5 Using Progression 1.2;
Transfinite Surface {1, 2, 3};
Recombine Surface {1, 2, 3};
Physical Curve(1) = {7, 9};
Physical Curve(2) = {1};
Physical Curve(3) = {4, 10, 6};
Physical Curve(0) = {2, 5};
Physical Surface(1) = {1, 2, 3};
